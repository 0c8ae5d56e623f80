package io.cosbuild.verity;

/**
 * The outcome of {@link VerityTree#verify}. Immutable and thread-safe.
 *
 * @param ok whether data, tree and root hash all agree
 * @param message what was checked, or what failed and where
 * @param failedAt the byte offset in the hash file of the first stored digest that differs from the
 *     computed one, or -1 (no such digest, or the root hash itself differs)
 */
public record VerityVerification(boolean ok, String message, long failedAt) {}
