#!/usr/bin/env bash
# Runs the test binary given as $1 with the environment its Bazel target sets: the
# `<name>_concurrent` twins of compat tests (BUILD) and of differential tests'
# `<name>_threads` drivers (differential/differential.bzl), on a concurrent heap.
exec "$@"
