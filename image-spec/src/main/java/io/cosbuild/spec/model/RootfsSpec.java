package io.cosbuild.spec.model;

import java.util.OptionalInt;
import java.util.OptionalLong;

/** The root filesystem image: type, squashfs compression and block size, ext4 size (empty = auto). */
public record RootfsSpec(String type, String compression, OptionalInt compressionLevel, long blockSize, OptionalLong size) {}
