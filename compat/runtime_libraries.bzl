"""runtime_libraries: the whole C++ runtime behind a set of cc_library targets as one static
archive (lib<basename>.a) and one shared library (lib<basename>.so), for building outside
Bazel (compat/BUILD :install).

The archives of every library the deps link (their PIC versions where Bazel built them) are
merged with `ar -M`; the shared library links that archive whole (--whole-archive), so every
C API function is exported even when nothing in the runtime calls it, with the deps' link
options (-pthread) and the command line's --linkopt (the sanitizers' runtimes under
--config=asan/tsan).
"""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")

def _runtime_libraries_impl(ctx):
    cc_toolchain = find_cpp_toolchain(ctx)
    archives = []
    link_flags = []
    for dep in ctx.attr.deps:
        for linker_input in dep[CcInfo].linking_context.linker_inputs.to_list():
            for library in linker_input.libraries:
                archive = library.pic_static_library or library.static_library
                if archive != None and archive not in archives:
                    archives.append(archive)
            for flag in linker_input.user_link_flags:
                if flag not in link_flags:
                    link_flags.append(flag)
    static = ctx.actions.declare_file("lib%s.a" % ctx.attr.basename)
    shared = ctx.actions.declare_file("lib%s.so" % ctx.attr.basename)
    script = "CREATE %s\n" % static.path + "".join(
        ["ADDLIB %s\n" % a.path for a in archives],
    ) + "SAVE\nEND\n"
    ctx.actions.run_shell(
        inputs = depset(archives, transitive = [cc_toolchain.all_files]),
        outputs = [static],
        command = "printf '%%s' '%s' | %s -M" % (script, cc_toolchain.ar_executable),
        mnemonic = "RuntimeArchive",
        use_default_shell_env = True,
        progress_message = "Merging the runtime into %s" % static.short_path,
    )
    ctx.actions.run_shell(
        inputs = depset([static], transitive = [cc_toolchain.all_files]),
        outputs = [shared],
        command = " ".join([
            cc_toolchain.compiler_executable,
            "-shared",
            "-o",
            shared.path,
            "-Wl,-soname,lib%s.so" % ctx.attr.basename,
            "-Wl,--whole-archive",
            static.path,
            "-Wl,--no-whole-archive",
        ] + link_flags + ctx.fragments.cpp.linkopts + ["-lstdc++", "-lm", "-ldl", "-pthread"]),
        mnemonic = "RuntimeSharedLibrary",
        use_default_shell_env = True,
        progress_message = "Linking the runtime into %s" % shared.short_path,
    )
    return [DefaultInfo(
        files = depset([static, shared]),
        runfiles = ctx.runfiles(files = [static, shared]),
    )]

runtime_libraries = rule(
    implementation = _runtime_libraries_impl,
    attrs = {
        "basename": attr.string(mandatory = True),
        "deps": attr.label_list(providers = [CcInfo]),
        "_cc_toolchain": attr.label(default = "@bazel_tools//tools/cpp:current_cc_toolchain"),
    },
    fragments = ["cpp"],
    toolchains = ["@bazel_tools//tools/cpp:toolchain_type"],
)
