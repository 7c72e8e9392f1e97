"""Differential tests of the CPython layer: one extension module and its C driver, built twice.

differential_test(name, srcs) builds `srcs` (a module written as for CPython, and a driver whose
main() calls its PyInit_ function and prints what the module's functions return) into
`<name>_pinion`, against //compat:python, and `<name>_cpython`, against Debian's CPython 3.11
(python3-dev, libpython3.11-dev: scripts/setup.sh installs them); the test runs both and
compares what they print, line by line. Both builds are C11 with -Werror, as an extension
author's CI would build them.
"""

_CFLAGS = ["-std=gnu11", "-Werror", "-Wno-missing-field-initializers"]

def extension_module(name, srcs, directory):
    """An extension module compiled as a shared object twice, as an author builds one: for
    Pinion, `<directory>/pinion/<name>.pinion-311.so` against compat/Python.h alone (its C API
    symbols resolved at dlopen from the program); for CPython, `<directory>/cpython/<name>.so`
    (a suffix CPython's importer accepts, as its platform-tagged one) against CPython 3.11's
    headers. `name` may be "pkg/mod": a module in a package directory. Separate directories, as
    Pinion's importer also tries the plain ".so" suffix."""
    native.cc_binary(
        name = "%s/pinion/%s.pinion-311.so" % (directory, name),
        testonly = True,
        srcs = srcs + ["//compat:headers", "//pinning:pin_c.h"],
        copts = _CFLAGS + ["-Icompat", "-I."],
        linkshared = True,
    )
    native.cc_binary(
        name = "%s/cpython/%s.so" % (directory, name),
        testonly = True,
        srcs = srcs,
        copts = _CFLAGS + ["-isystem", "/usr/include/python3.11"],
        linkshared = True,
    )

def differential_test(name, srcs, size = "small", module_copts = [], extension_modules = [],
                      extension_directory = None):
    """The differential test `name`, `<name>_threads`: the Pinion build run from several
    threads while another collects (diff_support.h's DIFFERENTIAL_MAIN), and
    `<name>_concurrent`: the same on a concurrent heap, with a concurrent cycle started every
    500 allocations of each thread (PINION_TORTURE), so that marking runs beside the
    extension's stores.

    module_copts: extra compiler options for the module, srcs[0], alone (in both builds), such
    as "-DPy_LIMITED_API=0x030B0000": the module then builds as a library of its own.

    extension_modules: names given to extension_module() with extension_directory, which the
    drivers import from shared objects: each build finds its own on its search path
    (PINION_PYTHONPATH, PYTHONPATH), and the Pinion drivers link the runtime as shared
    libraries, so that the modules resolve the C API from it at dlopen."""
    data = []
    env = {}
    if extension_modules:
        base = native.package_name() + "/" + extension_directory
        for module in extension_modules:
            data.append(":%s/pinion/%s.pinion-311.so" % (extension_directory, module))
            data.append(":%s/cpython/%s.so" % (extension_directory, module))
        env = {"PINION_PYTHONPATH": base + "/pinion", "PYTHONPATH": base + "/cpython"}
    module_deps = {"pinion": [], "cpython": []}
    if module_copts:
        for build, includes in [("pinion", []), ("cpython", ["-isystem", "/usr/include/python3.11"])]:
            native.cc_library(
                name = "%s_module_%s" % (name, build),
                testonly = True,
                srcs = srcs[:1],
                copts = _CFLAGS + includes + module_copts,
                deps = ["//compat:python"] if build == "pinion" else [],
            )
            module_deps[build] = [":%s_module_%s" % (name, build)]
        srcs = srcs[1:]
    native.cc_binary(
        name = name + "_pinion",
        testonly = True,
        srcs = srcs + ["diff_support.h"],
        copts = _CFLAGS,
        deps = ["//compat:python"] + module_deps["pinion"],
        linkstatic = not extension_modules,
    )
    native.cc_binary(
        name = name + "_cpython",
        testonly = True,
        srcs = srcs + ["diff_support.h"],
        copts = _CFLAGS + ["-isystem", "/usr/include/python3.11"],
        linkopts = ["-lpython3.11"],
        deps = module_deps["cpython"],
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
        ] + data,
        env = env,
    )
    native.cc_test(
        name = name + "_threads",
        size = "medium",
        srcs = srcs + ["diff_support.h"],
        copts = _CFLAGS + ["-DPINION_DIFF_THREADS"],
        linkopts = ["-lpthread"],
        deps = ["//compat:python"] + module_deps["pinion"],
        data = data,
        env = env,
    )
    concurrent_env = dict(env)
    concurrent_env.update({"PINION_MODE": "concurrent", "PINION_TORTURE": "500"})
    native.sh_test(
        name = name + "_concurrent",
        size = "medium",
        srcs = ["//tests/compat:run.sh"],
        args = ["$(location :%s_threads)" % name],
        data = [":%s_threads" % name] + data,
        env = concurrent_env,
    )
