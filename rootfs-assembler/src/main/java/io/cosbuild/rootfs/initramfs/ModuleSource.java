package io.cosbuild.rootfs.initramfs;

import java.io.IOException;
import java.util.SortedSet;

/**
 * The module files of one kernel release, read by path relative to {@code /lib/modules/<release>/}
 * (e.g. {@code kernel/fs/squashfs/squashfs.ko}). Implementations say whether they are thread-safe.
 */
public interface ModuleSource {

  /** Every {@code .ko}, {@code .ko.xz}, {@code .ko.zst} and {@code .ko.gz} path, sorted. */
  SortedSet<String> modulePaths() throws IOException;

  /** The bytes of {@code path} as stored (possibly compressed). */
  byte[] read(String path) throws IOException;

  /** The lines of {@code modules.builtin} (paths of modules compiled into the kernel); empty if absent. */
  SortedSet<String> builtin() throws IOException;
}
