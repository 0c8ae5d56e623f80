package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import java.nio.file.Path;

/** The writable OEM and STATE filesystems (ext4). */
final class StateStage {
  private StateStage() {}

  static void makeOem(Path file, long bytes, String seed, long epoch) throws BuildFailure {
    throw new BuildFailure("OEM filesystem: the ext4 writer is not wired yet");
  }

  static void makeState(Path file, long bytes, String seed, long epoch) throws java.io.IOException {
    throw new java.io.IOException("STATE filesystem: the ext4 writer is not wired yet");
  }
}
