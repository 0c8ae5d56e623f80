package io.cosbuild.spec.model;

import java.util.List;

/** Units to enable and the default target. */
public record SystemdSpec(List<String> enable, String defaultTarget) {
  public SystemdSpec {
    enable = List.copyOf(enable);
  }
}
