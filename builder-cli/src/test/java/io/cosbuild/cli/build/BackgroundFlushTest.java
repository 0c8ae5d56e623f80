package io.cosbuild.cli.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackgroundFlushTest {

  @TempDir Path dir;

  @Test
  void writesGoOnWhileFlushingAndTheChannelStaysOpenAfterClose() throws Exception {
    byte[] data = new byte[32 << 20];
    new Random(7).nextBytes(data);
    Path f = dir.resolve("image");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      BackgroundFlush flush = BackgroundFlush.start(ch, 1);
      // Out of order, as the ext4 writer writes: the flushes must not disturb positional writes.
      for (int i = (data.length >> 16) - 1; i >= 0; i--) {
        ByteBuffer b = ByteBuffer.wrap(data, i << 16, 1 << 16);
        long pos = (long) i << 16;
        while (b.hasRemaining()) {
          pos += ch.write(b, pos);
        }
      }
      flush.close();
      assertFalse(flush.running(), "the flush thread ends with close()");
      assertTrue(ch.isOpen(), "stopping the flusher must not close the channel");
      ch.write(ByteBuffer.wrap(new byte[] {42}), data.length);
      ch.force(false);
    }
    byte[] written = Files.readAllBytes(f);
    byte[] expected = java.util.Arrays.copyOf(data, data.length + 1);
    expected[data.length] = 42;
    assertArrayEquals(expected, written);
  }

  @Test
  void closeWaitsEvenWhenTheCallerIsInterruptedAndKeepsTheInterrupt() throws Exception {
    Path f = dir.resolve("image");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      BackgroundFlush flush = BackgroundFlush.start(ch, 1);
      ch.write(ByteBuffer.wrap(new byte[1 << 20]), 0);
      Thread.currentThread().interrupt();
      flush.close();
      assertTrue(Thread.interrupted(), "the caller's interrupt is kept (and cleared here)");
      assertFalse(flush.running());
      assertTrue(ch.isOpen());
    }
  }

  @Test
  void whileWritingReturnsTheWritersResultAndPassesItsFailureOn() throws Exception {
    Path f = dir.resolve("image");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      int written = BackgroundFlush.whileWriting(ch, c -> c.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0));
      assertEquals(3, written);
      IllegalStateException thrown = assertThrows(IllegalStateException.class,
          () -> BackgroundFlush.<Void, IllegalStateException>whileWriting(ch, c -> {
            throw new IllegalStateException("bad tree");
          }));
      assertEquals("bad tree", thrown.getMessage());
      assertTrue(ch.isOpen());
      assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("cosbuild-flush")),
          "no flush thread is left running");
    }
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
  }

  @Test
  void aFailedFlushIsThrownByClose() throws Exception {
    FileChannel ch = FileChannel.open(dir.resolve("image"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    BackgroundFlush flush = BackgroundFlush.start(ch, 1);
    ch.close(); // the next flush fails, as one on a failing disk would
    while (flush.running()) {
      Thread.sleep(1);
    }
    assertThrows(java.io.IOException.class, flush::close);
  }
}
