#!/bin/bash
# Installs Pinion's CPython layer for building outside Bazel:
#   bazel run //compat:install -- --prefix DIR      (add -c opt for an optimised runtime)
# lays out
#   DIR/include/pinion-python3.11/   Python.h, structmember.h, datetime.h, pinion_python/*.h
#                                    and the Pinion headers they include (pinning/, gc/,
#                                    roots/), so that one -I is enough;
#   DIR/lib/libpinion-python.so      the whole runtime (collector, pins, roots, C API);
#   DIR/lib/libpinion-python.a       the same, static;
#   DIR/lib/pkgconfig/pinion-python.pc and pinion-python-embed.pc;
#   DIR/bin/pinion-python-config.
# A relative DIR is taken from the directory bazel run was started in. Files already there
# are replaced.
set -euo pipefail

prefix=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    *) echo "usage: $0 --prefix DIR" >&2; exit 2 ;;
  esac
done
[ -n "$prefix" ] || { echo "usage: $0 --prefix DIR" >&2; exit 2; }
case "$prefix" in
  /*) ;;
  *) prefix="${BUILD_WORKING_DIRECTORY:-$PWD}/$prefix" ;;
esac

# The workspace's files: the runfiles tree under bazel run and bazel test.
if [ -n "${RUNFILES_DIR:-}" ] && [ -d "$RUNFILES_DIR/pinion" ]; then
  src="$RUNFILES_DIR/pinion"
elif [ -d "$0.runfiles/pinion" ]; then
  src="$0.runfiles/pinion"
else
  src="$(cd "$(dirname "$0")/.." && pwd)"
fi

inc="$prefix/include/pinion-python3.11"
mkdir -p "$inc/pinion_python" "$prefix/lib/pkgconfig" "$prefix/bin"
for header in "$src"/compat/*.h "$src"/compat/pinion_python/*.h; do
  relative="${header#"$src"/compat/}"
  install -m 644 "$header" "$inc/$relative"
done
# The Pinion headers pinion_python/object.h includes (pins inline in Py_INCREF/Py_DECREF),
# at the paths they are included by.
for header in pinning/pin.h pinning/pin_c.h gc/internal/pin_log.h roots/handle_stack.h \
    roots/native_region.h roots/root_set.h roots/thread_registry.h; do
  mkdir -p "$inc/$(dirname "$header")"
  install -m 644 "$src/$header" "$inc/$header"
done
install -m 755 "$src/compat/libpinion-python.so" "$prefix/lib/libpinion-python.so"
install -m 644 "$src/compat/libpinion-python.a" "$prefix/lib/libpinion-python.a"
install -m 755 "$src/compat/pinion-python-config.sh" "$prefix/bin/pinion-python-config"
cat > "$prefix/lib/pkgconfig/pinion-python.pc" <<'PC'
# Pinion's CPython 3.11 C API, for extension modules (no runtime is linked: a module resolves
# it from the program that loads it). As python3.pc.
prefix=${pcfiledir}/../..
includedir=${prefix}/include
libdir=${prefix}/lib

Name: Pinion Python
Description: CPython 3.11 C API on the Pinion garbage collector
Version: 3.11
Libs:
Cflags: -I${includedir}/pinion-python3.11 -pthread
PC
cat > "$prefix/lib/pkgconfig/pinion-python-embed.pc" <<'PC'
# Pinion's CPython 3.11 C API, for programs that embed the runtime. As python3-embed.pc.
prefix=${pcfiledir}/../..
includedir=${prefix}/include
libdir=${prefix}/lib

Name: Pinion Python (embedding)
Description: CPython 3.11 C API on the Pinion garbage collector, for embedding
Version: 3.11
Libs: -L${libdir} -Wl,-rpath,${libdir} -lpinion-python -lm
Libs.private: -lgmp -lstdc++ -ldl -pthread
Cflags: -I${includedir}/pinion-python3.11 -pthread
PC
echo "installed Pinion's CPython layer in $prefix"
