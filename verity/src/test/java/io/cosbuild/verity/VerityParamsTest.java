package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class VerityParamsTest {

  private static final UUID U = new UUID(1, 2);

  @Test
  void refusesValuesTheKernelOrVeritysetupRefuse() {
    VerityParams ok = VerityParams.of(10, new byte[0], U);
    assertThrows(IllegalArgumentException.class, () -> ok.withBlockSizes(4095, 4096));
    assertThrows(IllegalArgumentException.class, () -> ok.withBlockSizes(256, 4096));
    assertThrows(IllegalArgumentException.class, () -> ok.withBlockSizes(4096, 131072));
    assertThrows(IllegalArgumentException.class, () -> ok.withDataBlocks(0));
    assertThrows(IllegalArgumentException.class, () -> ok.withDataBlocks(Long.MAX_VALUE / 1024));
    assertThrows(IllegalArgumentException.class, () -> ok.withHashType(2));
    assertThrows(IllegalArgumentException.class, () -> ok.withHashOffset(1000));
    assertThrows(IllegalArgumentException.class, () -> ok.withHashOffset(-512));
    assertThrows(IllegalArgumentException.class, () -> ok.withHashOffset(512).withSuperblock(false));
    assertThrows(IllegalArgumentException.class, () -> VerityParams.of(10, new byte[257], U));
    assertThrows(IllegalArgumentException.class, () -> VerityParams.of(10, new byte[0], null));
    assertThrows(IllegalArgumentException.class, () -> VerityHashAlgorithm.byName("md5"));
  }

  @Test
  void saltIsCopiedInAndOut() {
    byte[] salt = {1, 2, 3};
    VerityParams p = VerityParams.of(10, salt, U);
    salt[0] = 9;
    p.salt()[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, p.salt());
    assertEquals("010203", p.saltHex());
    assertEquals("-", VerityParams.of(10, new byte[0], U).saltHex());
  }

  @Test
  void derivedSaltAndUuidDependOnlyOnTheSeed() {
    byte[] seed = {4, 5, 6};
    assertArrayEquals(VerityParams.deriveSalt(seed, 32), VerityParams.deriveSalt(seed.clone(), 32));
    assertNotEquals(VerityParams.deriveUuid(seed), VerityParams.deriveUuid(new byte[] {4, 5, 7}));
    assertEquals(VerityParams.deriveUuid(seed), VerityParams.deriveUuid(seed.clone()));
    assertEquals(8, VerityParams.deriveUuid(seed).version());
    assertEquals(2, VerityParams.deriveUuid(seed).variant());
  }
}
