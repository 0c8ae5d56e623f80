package io.cosbuild.cli.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/** SHA-256 of output files, as the manifest records them and `cosbuild verify` checks them. */
public final class FileDigests {

  private FileDigests() {}

  /** Lower-case hex SHA-256 of the file's bytes, read as a stream. */
  public static String sha256(Path f) throws IOException {
    return sha256(Files.newInputStream(f));
  }

  /**
   * Lower-case hex SHA-256 of {@code length} bytes of the file from {@code offset} (a partition of a disk image).
   *
   * @throws java.io.EOFException when the file ends before them
   */
  public static String sha256(Path f, long offset, long length) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      for (long done = 0; done < length; ) {
        buf.clear().limit((int) Math.min(buf.capacity(), length - done));
        int n = ch.read(buf, offset + done);
        if (n < 0) {
          throw new java.io.EOFException(f + " ends at byte " + (offset + done) + ", before the " + length + " bytes from "
              + offset);
        }
        md.update(buf.flip());
        done += n;
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Lower-case hex SHA-256 of what {@code stream} gives until its end; closes it. */
  public static String sha256(InputStream stream) throws IOException {
    try (DigestInputStream in = new DigestInputStream(stream, MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
