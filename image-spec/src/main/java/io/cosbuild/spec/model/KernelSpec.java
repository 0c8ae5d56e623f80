package io.cosbuild.spec.model;

import java.util.List;

/** The kernel package (with a {@code {debarch}} placeholder), extra command line and modules. */
public record KernelSpec(String packagePattern, List<String> cmdline, List<String> modules, boolean keepModules,
    String initramfsCompression) {
  public KernelSpec {
    cmdline = List.copyOf(cmdline);
    modules = List.copyOf(modules);
  }

  public String packageFor(Architecture arch) {
    return packagePattern.replace("{debarch}", arch.debianArch()).replace("{arch}", arch.id());
  }
}
