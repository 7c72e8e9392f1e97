#!/bin/bash
# //benchmarks:pins_tls_test: an extension module (pins_py.c, built as one) reaches the pin
# log without __tls_get_addr. With the default thread-local model of position-independent
# code, every Py_INCREF/Py_DECREF called it (docs/benchmarks.md, "Where the cycles went");
# pinning/pin_c.h declares the pointer initial-exec so that it does not.
set -euo pipefail
module="$1"
undefined=$(nm -D --undefined-only "$module")
if ! grep -q "pinion_current_pin_log" <<<"$undefined"; then
  echo "pins_tls_test: $module does not use the pin log: the check would prove nothing"
  exit 1
fi
if grep -q "__tls_get_addr" <<<"$undefined"; then
  echo "pins_tls_test: $module calls __tls_get_addr: the pin log pointer is not initial-exec"
  exit 1
fi
echo "pins_tls_test: ok"
