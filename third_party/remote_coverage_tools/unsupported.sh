#!/bin/sh
echo "coverage tools are not available in Pinion's offline build" >&2
exit 1
