package io.cosbuild.cli.build;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.cosbuild.cli.Json;
import io.cosbuild.packages.PackagesException;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.spec.node.BindingErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code cosbuild.lock} of an image: the exact packages of the root filesystem and of the boot
 * (kernel and initramfs userspace), each a {@link LockFile} with its index digests and keyring, so
 * {@code cosbuild image --lock} rebuilds the same image with no index download. Immutable.
 */
@JsonPropertyOrder({"imageLockVersion", "profile", "arch", "root", "boot"})
public record ImageLock(int imageLockVersion, String profile, String arch, LockFile root, LockFile boot) {

  public static final int VERSION = 1;

  public ImageLock {
    if (imageLockVersion != VERSION) {
      throw new IllegalArgumentException("unsupported imageLockVersion " + imageLockVersion + " (this cosbuild reads " + VERSION + ")");
    }
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(boot, "boot");
  }

  public static ImageLock read(Path file) throws PackagesException {
    try {
      return Json.mapper().readValue(Files.readString(file), ImageLock.class);
    } catch (JsonProcessingException e) {
      throw new PackagesException(file + ": not a cosbuild image lock file (write one with 'cosbuild packages resolve --profile P"
          + " --write-lock " + file + "'): " + BindingErrors.describe(e), e);
    } catch (IOException e) {
      throw new PackagesException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Writes via a temporary file of its own renamed into place (see {@link LockFile#replace}). */
  public void write(Path file) throws IOException {
    LockFile.replace(file, Json.write(this) + "\n");
  }
}
