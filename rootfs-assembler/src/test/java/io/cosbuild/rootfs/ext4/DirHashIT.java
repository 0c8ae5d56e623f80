package io.cosbuild.rootfs.ext4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our half-MD4 directory hash against debugfs's {@code dx_hash} for the same seed and names. */
class DirHashIT {

  @TempDir Path tmp;

  @Test
  void matchesDebugfs() throws Exception {
    Path img = tmp.resolve("empty.img");
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      Ext4Writer.formatEmpty(ch, Ext4Options.readOnlyRoot().withSize(16 << 20));
    }
    UUID seed = UUID.fromString("0d2a6c7e-4b1f-4e3a-9c55-2f7d18e0a9b1");
    byte[] s = ByteBuffer.allocate(16).putLong(seed.getMostSignificantBits()).putLong(seed.getLeastSignificantBits())
        .array();
    ByteBuffer le = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
    DirHash h = new DirHash(new int[] {le.getInt(0), le.getInt(4), le.getInt(8), le.getInt(12)}, false);
    Pattern out = Pattern.compile("Hash of (.*) is 0x([0-9a-f]+)");
    for (String name : new String[] {"a", "hello", "file-31415", "exactly-thirty-two-bytes-long-xx",
        "a-name-that-is-longer-than-thirty-two-bytes-so-it-takes-several-rounds", "n".repeat(255)}) {
      io.cosbuild.rootfs.testutil.FsJudges.Out r = io.cosbuild.rootfs.testutil.FsJudges.run("debugfs", "-R", "dx_hash -h half_md4 -s " + seed + " " + name,
          img.toString());
      Matcher m = out.matcher(r.text());
      assertTrue(m.find(), r.text());
      assertEquals(Long.parseLong(m.group(2), 16) & ~1L,
          h.hash(name.getBytes(StandardCharsets.US_ASCII)) & 0xffffffffL, "hash of " + name);
    }
  }
}
