package io.cosbuild.rootfs.squashfs;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.tukaani.xz.ARM64Options;
import org.tukaani.xz.ARMOptions;
import org.tukaani.xz.ARMThumbOptions;
import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.PowerPCOptions;
import org.tukaani.xz.SPARCOptions;
import org.tukaani.xz.X86Options;

/**
 * Branch/call/jump (BCJ) filters for xz data blocks, as mksquashfs's {@code -Xbcj}: they rewrite relative
 * branch targets in machine code to absolute ones, which LZMA2 then finds more repetition in. Declared in
 * mksquashfs's order; {@link #flag()} is the bit its xz options block records. mksquashfs's ia64 filter is left
 * out: Linux dropped IA-64 (6.7) and its kernels no longer decode it. A block is compressed
 * without a filter and with each selected one and the smallest result kept, so a filter never makes an
 * image larger. The Linux kernel decodes a filter only when built with its {@code CONFIG_XZ_DEC_*}: Debian 12's
 * 6.1 kernels have x86 on amd64 and none for arm64 ({@code CONFIG_XZ_DEC_ARM64} is newer).
 */
public enum XzFilter {
  X86(0), POWERPC(1), ARM(3), ARMTHUMB(4), SPARC(5), ARM64(6);

  private final int bit;

  XzFilter(int bit) {
    this.bit = bit;
  }

  /** The name on the command line and in mksquashfs's {@code -Xbcj}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** This filter's bit in the flags of squashfs's xz options block. */
  int flag() {
    return 1 << bit;
  }

  FilterOptions options() {
    return switch (this) {
      case X86 -> new X86Options();
      case POWERPC -> new PowerPCOptions();
      case ARM -> new ARMOptions();
      case ARMTHUMB -> new ARMThumbOptions();
      case SPARC -> new SPARCOptions();
      case ARM64 -> new ARM64Options();
    };
  }

  /** LZMA2's literal and position bits for this instruction alignment, as mksquashfs (and xz's docs) set them. */
  void tune(LZMA2Options lzma2) throws org.tukaani.xz.UnsupportedOptionsException {
    switch (this) {
      case ARMTHUMB -> lzma2.setLcLp(lzma2.getLc(), 1); // 2-byte instructions
      case POWERPC, ARM, SPARC, ARM64 -> lzma2.setLcLp(2, 2); // 4-byte instructions
      case X86 -> { } // unaligned: the preset's values
    }
  }

  /** Parses a comma-separated list such as {@code x86,arm}; throws IllegalArgumentException naming the accepted names. */
  public static Set<XzFilter> parseList(String names) {
    Set<XzFilter> out = EnumSet.noneOf(XzFilter.class);
    for (String name : names.split(",", -1)) {
      out.add(parse(name.trim()));
    }
    return out;
  }

  public static XzFilter parse(String name) {
    for (XzFilter f : values()) {
      if (f.cliName().equals(name)) {
        return f;
      }
    }
    if (name.equals("ia64")) {
      throw new IllegalArgumentException("xz filter ia64 is not offered: Linux no longer decodes it (IA-64 was removed in 6.7)");
    }
    throw new IllegalArgumentException("unknown xz filter '" + name + "': use x86, arm64, arm, armthumb, powerpc or sparc");
  }
}
