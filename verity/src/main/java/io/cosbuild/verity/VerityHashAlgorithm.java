package io.cosbuild.verity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The hash algorithms of a dm-verity tree, by the names the kernel and {@code veritysetup} use.
 * Immutable and thread-safe; {@link #newDigest()} returns a fresh, unshared digest.
 */
public enum VerityHashAlgorithm {
  SHA1("sha1", "SHA-1", 20),
  SHA256("sha256", "SHA-256", 32),
  SHA512("sha512", "SHA-512", 64);

  private final String kernelName;
  private final String jcaName;
  private final int digestLength;

  VerityHashAlgorithm(String kernelName, String jcaName, int digestLength) {
    this.kernelName = kernelName;
    this.jcaName = jcaName;
    this.digestLength = digestLength;
  }

  /** The name in the superblock and the kernel table ({@code sha256}). */
  public String kernelName() {
    return kernelName;
  }

  /** Length of one digest in bytes. */
  public int digestLength() {
    return digestLength;
  }

  /**
   * A new digest from the JDK provider: in C2-compiled code its compression function is the
   * SHA-NI / AVX2 intrinsic, which is the reason this module uses no other SHA implementation.
   */
  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + jcaName + ", which every Java 17 runtime has", e);
    }
  }

  /**
   * The algorithm named {@code name} (case-insensitive, as {@code veritysetup --hash} takes it).
   *
   * @throws IllegalArgumentException naming the supported algorithms when {@code name} is not one
   */
  public static VerityHashAlgorithm byName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (VerityHashAlgorithm a : values()) {
      if (a.kernelName.equals(n)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unsupported verity hash algorithm '" + name + "': use sha256, sha1 or sha512");
  }
}
