#!/bin/sh
# pinion-python-config: how to compile and link against an installed Pinion CPython layer,
# answering as python3-config does (installed as bin/pinion-python-config by
# `bazel run //compat:install -- --prefix DIR`; docs/user_guide.md "Building extensions
# outside Bazel"). The prefix is the directory above this script's, so an installed tree
# can be moved.
#
#   cc $(pinion-python-config --cflags) -shared -fPIC -o mod$(pinion-python-config \
#       --extension-suffix) mod.c $(pinion-python-config --ldflags)      # an extension module
#   cc $(pinion-python-config --cflags) -o app app.c \
#       $(pinion-python-config --embed --ldflags)                        # an embedding program
#
# --embed links libpinion-python.so (with an rpath to it); --embed --static links
# libpinion-python.a whole, with -rdynamic so that modules loaded later find the C API, and
# the libraries it needs (GMP, for ints, is always linked dynamically: LGPL).
# Extension modules link no runtime: they resolve it from the program that loads them.
set -eu

usage() {
  echo "Usage: $0 --prefix|--exec-prefix|--includes|--libs|--cflags|--ldflags|--extension-suffix|--abiflags|--configdir|--embed|--static|--help" >&2
  exit "$1"
}

[ $# -gt 0 ] || usage 1
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(dirname "$here")
includes="-I$prefix/include/pinion-python3.11"
embed=0
static=0
for arg in "$@"; do
  case "$arg" in
    --embed) embed=1 ;;
    --static) static=1 ;;
    --help) usage 0 ;;
    --prefix|--exec-prefix|--includes|--libs|--cflags|--ldflags|--extension-suffix|--abiflags|--configdir) ;;
    *) usage 1 ;;
  esac
done
libs="-lm"
if [ "$embed" = 1 ]; then
  if [ "$static" = 1 ]; then
    libs="-Wl,--whole-archive $prefix/lib/libpinion-python.a -Wl,--no-whole-archive -rdynamic -lgmp -lstdc++ -lm -ldl -pthread"
  else
    libs="-lpinion-python -lm"
  fi
fi
for arg in "$@"; do
  case "$arg" in
    --prefix|--exec-prefix) echo "$prefix" ;;
    --includes) echo "$includes" ;;
    --cflags) echo "$includes -pthread" ;;
    --libs) echo "$libs" ;;
    --ldflags)
      if [ "$embed" = 1 ] && [ "$static" = 0 ]; then
        echo "-L$prefix/lib -Wl,-rpath,$prefix/lib $libs"
      else
        echo "-L$prefix/lib $libs"
      fi ;;
    --extension-suffix) echo ".pinion-311.so" ;;
    --abiflags) echo "" ;;
    --configdir) echo "$prefix/lib" ;;
  esac
done
