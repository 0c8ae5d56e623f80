package io.cosbuild.spec.model;

import java.util.List;

/** The runtime mount layout the initramfs and systemd set up. */
public record MountLayout(List<String> readOnly, String etc, List<String> tmpfs, List<String> stateful,
    List<String> varSymlinks, List<String> noexec, List<String> exec, String formatState) {
  public MountLayout {
    readOnly = List.copyOf(readOnly);
    tmpfs = List.copyOf(tmpfs);
    stateful = List.copyOf(stateful);
    varSymlinks = List.copyOf(varSymlinks);
    noexec = List.copyOf(noexec);
    exec = List.copyOf(exec);
  }

  public boolean statelessEtc() {
    return etc.equals("stateless");
  }
}
