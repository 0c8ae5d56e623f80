package io.cosbuild.disk.layout;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What goes into a partition: nothing (the partition stays a hole), a file, or a region of an open channel.
 * Immutable; a {@link Channel} content does not own its channel (the caller closes it after writing).
 */
public sealed interface PartitionContent {

  /** Number of content bytes. */
  long length() throws IOException;

  static PartitionContent empty() {
    return Empty.INSTANCE;
  }

  static PartitionContent ofFile(Path path) {
    return new File(path);
  }

  static PartitionContent ofChannel(FileChannel channel, long offset, long length) {
    return new Channel(channel, offset, length);
  }

  /** No content: the partition reads as zeros and costs no disk space. */
  enum Empty implements PartitionContent {
    INSTANCE;

    @Override
    public long length() {
      return 0;
    }
  }

  /** The whole of a file, e.g. a squashfs root image or an ext4 image for STATE. */
  record File(Path path) implements PartitionContent {
    @Override
    public long length() throws IOException {
      return Files.size(path);
    }
  }

  /** {@code length} bytes of {@code channel} from {@code offset}; the caller keeps the channel open meanwhile. */
  record Channel(FileChannel channel, long offset, long length) implements PartitionContent {
    public Channel {
      if (offset < 0 || length < 0) {
        throw new IllegalArgumentException("channel content offset and length must be >= 0: " + offset + "/" + length);
      }
    }
  }
}
