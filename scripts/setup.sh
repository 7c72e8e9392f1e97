#!/usr/bin/env bash
# Installs every system package Pinion needs, from Debian. Idempotent: prints nothing and
# exits at once when everything is already installed. Needs root (or sudo) only to install.
set -euo pipefail

packages=(
  bazel-bootstrap  # Bazel 4.2.3, used offline in WORKSPACE mode
  g++              # the toolchain (GCC 12 on Debian 12), with ASan/UBSan/TSan runtimes
  libgc-dev        # Boehm GC: the reference baseline in benchmarks/
  doctest-dev      # the test framework
  libgmp-dev       # GMP: the compat layer's ints of any size (compat/runtime/long_repr.h)
  python3-dev      # CPython 3.11's headers and libpython: the compat layer's differential
  libpython3.11-dev  # tests build each module against them too (tests/compat/differential/);
                     # its python3.11 generates the Unicode name table (compat/BUILD)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
echo "setup: done" >&2
