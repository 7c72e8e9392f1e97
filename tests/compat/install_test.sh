#!/usr/bin/env bash
# Building outside Bazel, as an extension author and an embedder would (docs/user_guide.md
# "Building extensions outside Bazel"): `bazel run //compat:install` into a temporary
# prefix, then with the system compiler and only what pinion-python-config (and pkg-config)
# answer:
#   - the installed headers are self-contained: Python.h compiles as C and C++ with one -I;
#     so is datetime.h (CPython's datetime C API);
#   - extension modules: spam (single-phase) and pkg/ham (multi-phase, in a package
#     directory with no __init__), built with `cc --cflags -shared -fPIC ... --ldflags`;
#   - an embedding program built with --embed (libpinion-python.so) imports them from
#     PINION_PYTHONPATH and calls them; built with --embed --static (libpinion-python.a,
#     -rdynamic) it imports them from _PyPinion_SetModuleSearchPath's path; first from 3
#     threads at once (each gets the module the table kept);
#   - ModuleNotFoundError and ImportError as CPython's (dlerror()'s text for a file that is
#     not a shared object).
set -euo pipefail
cc=${CC:-gcc}
src=$PWD/tests/compat/install
tmp=$(mktemp -d "${TEST_TMPDIR:-/tmp}/install_test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

compat/install --prefix "$tmp/prefix" >/dev/null
config=$tmp/prefix/bin/pinion-python-config
for dir in include/pinion-python3.11 lib lib/pkgconfig bin; do
  [ -d "$tmp/prefix/$dir" ] || { echo "FAIL no $dir/ in the prefix"; exit 1; }
done
suffix=$("$config" --extension-suffix)
[ "$suffix" = ".pinion-311.so" ] || { echo "FAIL --extension-suffix: $suffix"; exit 1; }
[ "$("$config" --prefix)" = "$tmp/prefix" ] || { echo "FAIL --prefix"; exit 1; }
echo "ok   installed; --extension-suffix $suffix"

# Under --config=asan/tsan the runtime is instrumented: the program must link the same
# sanitizer (modules need not).
# (The symbols are read whole first: grep -q closing the pipe early would fail it.)
sanitize=()
symbols=$(nm -D "$tmp/prefix/lib/libpinion-python.so")
if grep -q ' __asan_init' <<<"$symbols"; then
  sanitize=(-fsanitize=address,undefined)
elif grep -q ' __tsan_init' <<<"$symbols"; then
  sanitize=(-fsanitize=thread)
fi

# The headers need nothing but the installed include directory.
cd "$tmp"
# shellcheck disable=SC2046
echo '#include <Python.h>
#include <structmember.h>' | "$cc" -x c -std=c11 -fsyntax-only $("$config" --cflags) -
# shellcheck disable=SC2046
echo '#include <Python.h>' | "$cc" -x c++ -std=c++20 -fsyntax-only $("$config" --cflags) -
# shellcheck disable=SC2046
echo '#include <Python.h>
#include <datetime.h>' | "$cc" -x c -std=c11 -fsyntax-only $("$config" --cflags) -
# shellcheck disable=SC2046
echo '#include <Python.h>
#include <datetime.h>' | "$cc" -x c++ -std=c++20 -fsyntax-only $("$config" --cflags) -
echo "ok   headers self-contained (C, C++), datetime.h too"

mkdir -p path/pkg
# shellcheck disable=SC2046
"$cc" $("$config" --cflags) -shared -fPIC -o "path/spam$suffix" "$src/spam.c" \
  $("$config" --ldflags)
if command -v pkg-config >/dev/null; then  # the package directory's module via pkg-config
  # shellcheck disable=SC2046
  "$cc" $(PKG_CONFIG_PATH=$tmp/prefix/lib/pkgconfig pkg-config --cflags --libs pinion-python) \
    -shared -fPIC -o "path/pkg/ham$suffix" "$src/ham.c"
else
  # shellcheck disable=SC2046
  "$cc" $("$config" --cflags) -shared -fPIC -o "path/pkg/ham$suffix" "$src/ham.c" \
    $("$config" --ldflags)
fi
"$cc" -shared -fPIC -o path/noinit.so "$src/noinit.c"
echo 'not a shared object' >path/broken.so
# shellcheck disable=SC2046
"$cc" "${sanitize[@]}" $("$config" --cflags) -o embed "$src/embed.c" \
  $("$config" --embed --ldflags)
# shellcheck disable=SC2046
"$cc" "${sanitize[@]}" $("$config" --cflags) -o embed_static "$src/embed.c" \
  $("$config" --embed --static --ldflags)
echo "ok   modules and programs built"

expected='threads imported one pkg.ham and one spam: yes
and the table'"'"'s: yes
spam.add(2, 3): 5
spam.__name__: '"'spam'"'
imported once: yes
spam.add(1): TypeError: add() takes exactly 2 arguments (1 given)
pkg.ham.greet('"'pinion'"'): '"'hello, pinion'"'
pkg.ham.KIND: '"'multi-phase'"'
pkg.ham.__name__: '"'pkg.ham'"'
pkg.ham is the package'"'"'s attribute: yes
import nothere: ModuleNotFoundError: No module named '"'nothere'"'
import pkg.nothere: ModuleNotFoundError: No module named '"'pkg.nothere'"'
import nothere.ham: ModuleNotFoundError: No module named '"'nothere'"'
import spam.x: ModuleNotFoundError: No module named '"'spam.x'"'; '"'spam'"' is not a package
import broken: ImportError: '"$tmp"'/path/broken.so: file too short
import noinit: ImportError: dynamic module does not define module export function (PyInit_noinit)'

check() {  # label, command...: it must exit 0 and print $expected
  local label=$1 out status=0
  shift
  out=$("$@") || status=$?
  if [ "$status" != 0 ] || [ "$out" != "$expected" ]; then
    echo "FAIL $label: exit status $status"
    diff <(echo "$expected") <(echo "$out") || true
    exit 1
  fi
  echo "ok   $label"
}
PINION_PYTHONPATH="$tmp/missing::$tmp/path" \
  check "embedded (shared runtime, PINION_PYTHONPATH)" ./embed
PINION_PYTHONPATH=/nonexistent \
  check "embedded (static runtime, _PyPinion_SetModuleSearchPath)" \
  ./embed_static "$tmp/missing:$tmp/path"
