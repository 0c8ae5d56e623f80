package io.cosbuild.cli.boot;

import java.util.Locale;

/** QEMU acceleration: KVM, TCG (emulation), or KVM when it demonstrably works and TCG otherwise. */
public enum Accel {
  AUTO, KVM, TCG;

  public static Accel parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "kvm" -> KVM;
      case "tcg" -> TCG;
      default -> throw new IllegalArgumentException("--accel must be auto, kvm or tcg, not " + s);
    };
  }
}
