package io.cosbuild.spec.model;

import java.nio.file.Path;
import java.util.Optional;

/**
 * dm-verity parameters. {@code salt} is hex, {@code -} for none, or {@code auto}; signing paths are
 * already resolved against the profile that named them.
 */
public record VeritySpec(String algorithm, int dataBlockSize, int hashBlockSize, String salt, String onCorruption,
    Optional<Path> signingKey, Optional<Path> signingCertificate) {}
