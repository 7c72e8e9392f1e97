"""Differential tests of the CPython layer: one extension module and its C driver, built twice.

differential_test(name, srcs) builds `srcs` (a module written as for CPython, and a driver whose
main() calls its PyInit_ function and prints what the module's functions return) into
`<name>_pinion`, against //compat:python, and `<name>_cpython`, against Debian's CPython 3.11
(python3-dev, libpython3.11-dev: scripts/setup.sh installs them); the test runs both and
compares what they print, line by line. Both builds are C11 with -Werror, as an extension
author's CI would build them.
"""

_CFLAGS = ["-std=gnu11", "-Werror", "-Wno-missing-field-initializers"]

def differential_test(name, srcs, size = "small"):
    """The differential test `name`, and `<name>_threads`: the Pinion build run from several
    threads while another collects (diff_support.h's DIFFERENTIAL_MAIN)."""
    native.cc_binary(
        name = name + "_pinion",
        testonly = True,
        srcs = srcs + ["diff_support.h"],
        copts = _CFLAGS,
        deps = ["//compat:python"],
    )
    native.cc_binary(
        name = name + "_cpython",
        testonly = True,
        srcs = srcs + ["diff_support.h"],
        copts = _CFLAGS + ["-isystem", "/usr/include/python3.11"],
        linkopts = ["-lpython3.11"],
    )
    native.sh_test(
        name = name,
        size = size,
        srcs = ["compare.sh"],
        args = [
            "$(location :%s_pinion)" % name,
            "$(location :%s_cpython)" % name,
        ],
        data = [
            ":%s_pinion" % name,
            ":%s_cpython" % name,
        ],
    )
    native.cc_test(
        name = name + "_threads",
        size = "medium",
        srcs = srcs + ["diff_support.h"],
        copts = _CFLAGS + ["-DPINION_DIFF_THREADS"],
        linkopts = ["-lpthread"],
        deps = ["//compat:python"],
    )
