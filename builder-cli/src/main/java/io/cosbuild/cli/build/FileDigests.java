package io.cosbuild.cli.build;

import java.io.IOException;
import java.io.InputStream;
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
