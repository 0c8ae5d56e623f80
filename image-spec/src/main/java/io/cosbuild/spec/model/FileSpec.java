package io.cosbuild.spec.model;

import java.nio.file.Path;
import java.util.Optional;

/** A file the profile adds: inline content, a source file (resolved), or a symlink target. */
public record FileSpec(String path, Optional<String> content, Optional<Path> source, Optional<String> symlink,
    int mode, int uid, int gid) {}
