package io.cosbuild.rootfs.dpkg;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a package's {@code data.tar}, already decompressed. Every call gives a fresh stream from
 * the start, so the archive can be read more than once; the caller closes it.
 */
@FunctionalInterface
public interface DataArchive {
  InputStream openTar() throws IOException;
}
