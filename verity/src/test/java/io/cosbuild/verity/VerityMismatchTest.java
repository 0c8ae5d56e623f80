package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a failed verification names, from the hash file byte where the stored tree differs. */
class VerityMismatchTest {

  /** 300 data blocks, sha256 in 4 KiB blocks (128 digests each): superblock, level 1 at block 1, level 0 at 2-4. */
  private final VerityLayout layout = VerityLayout.of(new VerityParams(VerityHashAlgorithm.byName("sha256"), 4096,
      4096, 300, new byte[32], 1, 0, true, UUID.fromString("6f1d4c2a-3b5e-4f70-8a91-b2c3d4e5f607")));

  @Test
  void aLevelZeroDigestNamesItsDataBlockAsVeritysetupDoes() {
    assertEquals(2, layout.levels());
    assertEquals(2, layout.levelStart(0));
    String m = VerityTree.mismatch(layout, 0, 2 * 4096 + 129 * 32 + 5); // block 1 of level 0, slot 1: data block 129
    assertTrue(m.startsWith("verification failed at data position 528384: data block 129 (bytes 528384 to 532479) "
        + "does not match its digest in the tree (hash file byte " + (2 * 4096 + 129 * 32 + 5) + ", level 0 of 2)"), m);
  }

  @Test
  void theLevelsAboveNameAHashBlockAndPastTheLastDigestThePadding() {
    String above = VerityTree.mismatch(layout, 1, 4096 + 2 * 32);
    assertTrue(above.startsWith("verification failed: hash block 2 of level 0 does not match its digest"), above);
    String padding = VerityTree.mismatch(layout, 0, 4 * 4096 + 44 * 32); // digest 300 of 300
    assertTrue(padding.startsWith("verification failed: the zero padding of a hash block is not zero"), padding);
    String abovePadding = VerityTree.mismatch(layout, 1, 4096 + 3 * 32);
    assertTrue(abovePadding.contains("zero padding"), abovePadding);
  }
}
