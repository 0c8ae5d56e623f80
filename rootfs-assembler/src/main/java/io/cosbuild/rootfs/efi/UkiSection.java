package io.cosbuild.rootfs.efi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A section to add to a UKI: its name and its content, either bytes held in memory (the small text sections) or a
 * file streamed when the image is written (the kernel and the initramfs). Immutable.
 *
 * @param name 1 to 8 printable ASCII characters, e.g. {@code .linux}
 */
public record UkiSection(String name, Content content) {

  /** What a section holds. */
  public sealed interface Content permits InMemory, FromFile {
    /** The content's length in bytes. */
    long size() throws IOException;

    /** A fresh channel over the content; the caller closes it. */
    ReadableByteChannel open() throws IOException;
  }

  /** Bytes held in memory; the array is copied in and never handed out. */
  public record InMemory(byte[] bytes) implements Content {
    public InMemory {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public ReadableByteChannel open() {
      return Channels.newChannel(new ByteArrayInputStream(bytes));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof InMemory m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "InMemory[" + bytes.length + " bytes]";
    }
  }

  /** A file read only while the image is written. */
  public record FromFile(Path path) implements Content {
    public FromFile {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public long size() throws IOException {
      return Files.size(path);
    }

    @Override
    public ReadableByteChannel open() throws IOException {
      return FileChannel.open(path);
    }
  }

  public UkiSection {
    Objects.requireNonNull(content, "content");
    if (name.isEmpty() || name.length() > 8 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("section name '" + name + "' is not 1 to 8 printable ASCII characters");
    }
  }

  /** A section holding {@code text} in UTF-8, e.g. {@code .cmdline} or {@code .osrel}. */
  public static UkiSection text(String name, String text) {
    return new UkiSection(name, new InMemory(text.getBytes(StandardCharsets.UTF_8)));
  }

  public static UkiSection bytes(String name, byte[] bytes) {
    return new UkiSection(name, new InMemory(bytes));
  }

  /** A section streamed from {@code file}, e.g. {@code .linux} or {@code .initrd}. */
  public static UkiSection file(String name, Path file) {
    return new UkiSection(name, new FromFile(file));
  }
}
