package io.cosbuild.cli.verify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A read-only window {@code [offset, offset + length)} of a file, seen as a file of its own, so a
 * partition of a disk image can be handed to code that reads whole files (the verity hasher).
 * Positional reads and mapping only; the underlying channel is not closed by this one.
 */
final class SlicedFileChannel extends FileChannel {

  private final FileChannel file;
  private final long offset;
  private final long length;
  private long position;

  SlicedFileChannel(FileChannel file, long offset, long length) {
    this.file = file;
    this.offset = offset;
    this.length = length;
  }

  @Override
  public int read(ByteBuffer dst, long pos) throws IOException {
    if (pos >= length) {
      return -1;
    }
    int room = (int) Math.min(dst.remaining(), length - pos);
    ByteBuffer view = dst.slice().limit(room);
    int n = file.read(view, offset + pos);
    if (n > 0) {
      dst.position(dst.position() + n);
    }
    return n;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n = read(dst, position);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public long read(ByteBuffer[] dsts, int off, int len) throws IOException {
    long total = 0;
    for (int i = off; i < off + len; i++) {
      int n = read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
    }
    return total;
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long pos, long size) throws IOException {
    if (mode != MapMode.READ_ONLY || pos < 0 || pos + size > length) {
      throw new IOException("read-only mapping inside the slice only");
    }
    return file.map(mode, offset + pos, size);
  }

  @Override
  public long size() {
    return length;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public FileChannel position(long newPosition) {
    position = newPosition;
    return this;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    throw new IOException("read-only");
  }

  @Override
  public long write(ByteBuffer[] srcs, int off, int len) throws IOException {
    throw new IOException("read-only");
  }

  @Override
  public int write(ByteBuffer src, long pos) throws IOException {
    throw new IOException("read-only");
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    throw new IOException("read-only");
  }

  @Override
  public void force(boolean metaData) {}

  @Override
  public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
    throw new IOException("not supported on a slice");
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long pos, long count) throws IOException {
    throw new IOException("read-only");
  }

  @Override
  public FileLock lock(long pos, long size, boolean shared) throws IOException {
    throw new IOException("not supported on a slice");
  }

  @Override
  public FileLock tryLock(long pos, long size, boolean shared) throws IOException {
    throw new IOException("not supported on a slice");
  }

  @Override
  protected void implCloseChannel() {}
}
