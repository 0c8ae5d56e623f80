package io.cosbuild.disk;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/** GPT disks made by sgdisk, damaged on purpose, and what {@code sgdisk -v} says about them: the golden side. */
public final class Sgdisk {
  private Sgdisk() {}

  /** A new sparse disk of {@code bytes} partitioned by {@code sgdisk ARGS}. */
  public static Path disk(Path file, long bytes, String... args) throws IOException, InterruptedException {
    Files.deleteIfExists(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(bytes);
    }
    Tools.run(Stream.concat(Stream.of("sgdisk"), Stream.concat(Stream.of(args), Stream.of(file.toString())))
        .toArray(String[]::new));
    return file;
  }

  /**
   * Gives entry {@code number} the LBAs {@code first..last} in both copies and fixes every CRC, as a buggy
   * partitioner would: the table stays self-consistent, only its layout is wrong.
   */
  public static void setLbas(Path disk, int number, long first, long last) throws IOException {
    try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      for (long lba : new long[] {1, ch.size() / 512 - 1}) {
        ByteBuffer h = read(ch, lba * 512, 512);
        long entriesLba = h.getLong(72);
        int count = h.getInt(80);
        int size = h.getInt(84);
        ByteBuffer entries = read(ch, entriesLba * 512, count * size);
        entries.putLong((number - 1) * size + 32, first).putLong((number - 1) * size + 40, last);
        ch.write(entries.rewind(), entriesLba * 512);
        h.putInt(88, crc(entries.array(), entries.capacity())).putInt(16, 0);
        h.putInt(16, crc(h.array(), h.getInt(12)));
        ch.write(h.rewind(), lba * 512);
      }
    }
  }

  /** {@code sgdisk -v}'s output, problems and warnings alike. */
  public static String verify(Path disk) throws IOException, InterruptedException {
    Tools.Run r = Tools.exec("sgdisk", "-v", disk.toString());
    return r.out() + r.err();
  }

  /** Every match of {@code regex} in {@code text}, each as its groups. */
  public static List<List<String>> all(String text, String regex) {
    List<List<String>> out = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      List<String> groups = new ArrayList<>();
      for (int i = 1; i <= m.groupCount(); i++) {
        groups.add(m.group(i));
      }
      out.add(groups);
    }
    assertTrue(!out.isEmpty(), () -> "no '" + regex + "' in:\n" + text);
    return out;
  }

  private static ByteBuffer read(FileChannel ch, long at, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
      // until full
    }
    return b;
  }

  private static int crc(byte[] b, int len) {
    CRC32 c = new CRC32();
    c.update(b, 0, len);
    return (int) c.getValue();
  }
}
