package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static io.cosbuild.e2e.Tools.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cosbuild.cli.BootCommand;
import io.cosbuild.cli.boot.Accel;
import io.cosbuild.cli.boot.BootOutcome;
import io.cosbuild.cli.boot.BootTarget;
import io.cosbuild.cli.boot.QemuRunner;
import io.cosbuild.cli.boot.UefiFirmware;
import io.cosbuild.spec.model.Architecture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal profile with {@code disk.esp: uki} signed for Secure Boot with Debian's snakeoil test key, the one
 * Debian's OVMF and AAVMF test variable stores trust, for one architecture: sbverify and osslsigncode accept the
 * image on the ESP,
 * the firmware with Secure Boot enforced boots it onto the verified root, and refuses the same disk once the root
 * hash in the image's command line is changed: the firmware's signature check closes the chain that dm-verity
 * continues.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SecureBootChecks {

  static final Path SNAKEOIL_KEY = Path.of("/usr/share/ovmf/PkKek-1-snakeoil.key");
  static final Path SNAKEOIL_CERT = Path.of("/usr/share/ovmf/PkKek-1-snakeoil.pem");

  Path work;
  Path out;
  JsonNode manifest;

  abstract Architecture arch();

  /** The file firmware starts from removable media on this architecture. */
  abstract String bootFile();

  @BeforeAll
  void build(@TempDir Path dir) throws Exception {
    work = dir;
    // Debian ships the key encrypted (passphrase "snakeoil"); profiles take an unencrypted one.
    ok("openssl", "rsa", "-in", SNAKEOIL_KEY.toString(), "-passin", "pass:snakeoil", "-out",
        work.resolve("db.key").toString());
    Files.copy(SNAKEOIL_CERT, work.resolve("db.pem"));
    Path profile = MinimalImageIT.profileExtendingMinimal(work, "secure.yaml", "kernel:\n  cmdline: [cosbuild.selftest=1]\n"
        + "disk:\n  esp: uki\n  esp-size: 64MiB\n  secure-boot-key: db.key\n  secure-boot-certificate: db.pem\n");
    out = work.resolve("out");
    Tools.Result r = cosbuild("image", "--profile", profile.toString(), "--arch", arch().id(), "--out", out.toString(),
        "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("Signing the unified kernel image for Secure Boot: Authenticode SHA-256, "), r.err());
    manifest = MinimalImageIT.JSON.readTree(out.resolve("manifest.json").toFile());
  }

  /** The ESP's image file as firmware reads it (mtools, at the ESP's offset in disk.raw). */
  String esp(Path disk) {
    return disk + "@@" + MinimalImageIT.offset(MinimalImageIT.partitionOf(manifest, 1));
  }

  @Test
  void sbverifyAcceptsTheImageOnTheEspWithTheCertificate() throws Exception {
    Path onEsp = work.resolve(bootFile());
    ok("mcopy", "-n", "-i", esp(out.resolve("disk.raw")), "::/EFI/BOOT/" + bootFile(), onEsp.toString());
    assertArrayEquals(Files.readAllBytes(out.resolve("uki.efi")), Files.readAllBytes(onEsp));
    assertTrue(ok("sbverify", "--cert", SNAKEOIL_CERT.toString(), onEsp.toString()).contains("Signature verification OK"));
    String ossl = ok("osslsigncode", "verify", "-in", onEsp.toString(), "-CAfile", SNAKEOIL_CERT.toString());
    assertTrue(ossl.contains("\nSignature verification: ok\n") && ossl.contains("\nSucceeded\n"), ossl);
    assertEquals(0, cosbuild("verify", out.toString()).code(), "verify checks the signed uki.efi");
    Tools.Result signedBy = cosbuild("verify", out.toString(), "--secure-boot-certificate", SNAKEOIL_CERT.toString());
    assertEquals(0, signedBy.code(), signedBy.out() + signedBy.err());
    Path other = work.resolve("other.pem");
    ok("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj", "/CN=not-the-signer",
        "-keyout", work.resolve("other.key").toString(), "-out", other.toString());
    Tools.Result notBy = cosbuild("verify", out.toString(), "--secure-boot-certificate", other.toString());
    assertEquals(1, notBy.code(), notBy.out() + notBy.err());
    assertTrue(notBy.out().contains("uki.efi: it is signed by O=SnakeOil,L=Fort Collins,ST=Colorado,C=US, which is not"
        + " CN=not-the-signer nor issued by it"), notBy.out());
  }

  @Test
  void secureBootFirmwareBootsItOntoTheVerifiedRoot() throws Exception {
    String console = FirmwareBootChecks.bootedToReady(out, work.resolve("console.log"), "--secure-boot");
    assertTrue(console.contains("secureboot: Secure boot enabled"), console);
    Guest.assertSelfTestPassed(console, 12);
  }

  @Test
  void verifyAndSecureBootFirmwareRefuseTheImageOnceItsRootHashIsChanged() throws Exception {
    byte[] uki = Files.readAllBytes(out.resolve("uki.efi"));
    String rootHash = manifest.get("verity").get("rootHash").asText();
    int at = indexOf(uki, ("cosbuild.verity.roothash=" + rootHash).getBytes(StandardCharsets.US_ASCII));
    assertTrue(at > 0, "the root hash is in .cmdline");
    int digit = at + "cosbuild.verity.roothash=".length();
    uki[digit] = (byte) (uki[digit] == '0' ? '1' : '0');
    Path forged = Files.write(work.resolve("forged.efi"), uki);
    assertNotEquals(0, Tools.run("sbverify", "--cert", SNAKEOIL_CERT.toString(), forged.toString()).code());
    Path forgedOut = MinimalImageIT.copyOutputs(out, work.resolve("forged-out"));
    ok("mcopy", "-o", "-i", esp(forgedOut.resolve("disk.raw")), forged.toString(), "::/EFI/BOOT/" + bootFile());
    // Without Secure Boot, cosbuild verify is what notices: the ESP's bytes are in the manifest.
    Tools.Result v = cosbuild("verify", forgedOut.toString());
    assertEquals(1, v.code(), v.out() + v.err());
    assertTrue(v.out().contains("EFI-SYSTEM (partition 1): its bytes have sha256 "), v.out());

    BootTarget t = BootCommand.target(forgedOut, null, List.of(), 512, true)
        .withFirmware(UefiFirmware.require(arch(), UefiFirmware.snakeoilVars(arch())));
    try (QemuRunner q = QemuRunner.start(t, Accel.TCG, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor("Access Denied", Duration.ofSeconds(180)), q.console());
      assertFalse(q.console().contains("EFI stub"), "the stub never ran:\n" + q.console());
    }
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
