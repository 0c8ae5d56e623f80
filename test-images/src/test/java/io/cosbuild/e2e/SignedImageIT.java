package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static io.cosbuild.e2e.Tools.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A profile with a signing key: the build signs the root hash (detached PKCS#7), openssl verifies
 * the signature against the certificate, and `cosbuild verify` refuses a signature that was altered.
 */
class SignedImageIT {

  @TempDir Path work;

  @Test
  void rootHashIsSignedAndTheSignatureIsChecked() throws Exception {
    Path key = work.resolve("verity.key");
    Path cert = work.resolve("verity.crt");
    ok("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=cosbuild test signing", "-newkey", "rsa:2048",
        "-keyout", key.toString(), "-out", cert.toString());
    Path profile = MinimalImageIT.profileExtendingMinimal(work, "signed.yaml",
        "verity:\n  signing-key: verity.key\n  signing-certificate: verity.crt\n");
    Path out = work.resolve("out");
    Tools.Result r = cosbuild("image", "--profile", profile.toString(), "--arch", "x86_64", "--out", out.toString(),
        "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw");
    assertEquals(0, r.code(), r.out() + r.err());

    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    String rootHash = manifest.get("verity").get("rootHash").asText();
    assertEquals("root.hash.p7s", manifest.get("verity").get("signature").asText());
    Path content = Files.writeString(work.resolve("roothash.txt"), rootHash, StandardCharsets.US_ASCII);
    ok("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", out.resolve("root.hash.p7s").toString(),
        "-content", content.toString(), "-certfile", cert.toString(), "-CAfile", cert.toString(), "-purpose", "any",
        "-out", work.resolve("verified.txt").toString());
    assertEquals(rootHash, Files.readString(work.resolve("verified.txt")));

    // The manifest is signed too, by the same key: openssl checks it over manifest.json's bytes.
    ok("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", out.resolve("manifest.json.p7s").toString(),
        "-content", out.resolve("manifest.json").toString(), "-certfile", cert.toString(), "-CAfile", cert.toString(),
        "-purpose", "any", "-out", work.resolve("verified.json").toString());
    assertEquals(-1, Files.mismatch(out.resolve("manifest.json"), work.resolve("verified.json")));

    Tools.Result good = cosbuild("verify", out.toString());
    assertEquals(0, good.code(), good.out() + good.err());
    // --certificate: the release key the caller trusts, not the certificate that travels with the image.
    assertEquals(0, cosbuild("verify", "--certificate", cert.toString(), out.toString()).code());
    Path otherKey = work.resolve("other.key");
    Path other = work.resolve("other.crt");
    ok("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=someone else", "-newkey", "rsa:2048",
        "-keyout", otherKey.toString(), "-out", other.toString());
    Tools.Result foreign = cosbuild("verify", "--certificate", other.toString(), out.toString());
    assertEquals(1, foreign.code(), foreign.out() + foreign.err());
    assertTrue(foreign.out().contains("root.hash.p7s: does not verify the manifest's root hash with " + other), foreign.out());
    Path unsigned = work.resolve("unsigned.json");
    Files.writeString(unsigned, Files.readString(out.resolve("manifest.json")).replace("\"signature\" : \"root.hash.p7s\"",
        "\"signature\" : null"));
    Tools.Result none = cosbuild("verify", "--certificate", cert.toString(), "--manifest", unsigned.toString(),
        out.resolve("disk.raw").toString());
    assertTrue(none.out().contains("the image's root hash is not signed"), none.out() + none.err());
    assertEquals(1, none.code());
    assertKernelSwapIsCaught(out, cert);
    MinimalImageIT.flipByte(out.resolve("root.hash.p7s"), Files.size(out.resolve("root.hash.p7s")) - 10);
    Tools.Result bad = cosbuild("verify", out.toString());
    assertEquals(1, bad.code(), bad.out() + bad.err());
    assertTrue(bad.out().contains("root.hash.p7s: does not verify the manifest's root hash"), bad.out());
  }

  /**
   * Another kernel with the manifest's digest of it changed to match: the root hash and its signature are untouched,
   * so only the manifest's signature can tell, with the certificate beside the image or one the caller trusts, and
   * also when the forged manifest claims a version from before manifests were signed, or its signature is removed.
   */
  private void assertKernelSwapIsCaught(Path out, Path cert) throws Exception {
    Path forged = Files.createDirectory(work.resolve("forged"));
    try (var files = Files.list(out)) {
      for (Path f : files.toList()) {
        Files.copy(f, forged.resolve(f.getFileName()));
      }
    }
    byte[] kernel = "not the kernel that was built".getBytes(StandardCharsets.US_ASCII);
    Files.write(forged.resolve("vmlinuz"), kernel);
    ObjectNode m = (ObjectNode) new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    ObjectNode ref = (ObjectNode) m.get("files").get("vmlinuz");
    ref.put("size", kernel.length);
    ref.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(kernel)));
    Path manifest = forged.resolve("manifest.json");
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), m);

    Tools.Result beside = cosbuild("verify", forged.toString());
    assertEquals(1, beside.code(), beside.out() + beside.err());
    assertTrue(beside.out().contains("manifest.json.p7s: does not verify manifest.json with verity-signing.crt"),
        beside.out());
    assertFalse(beside.out().contains("vmlinuz"), "the forged digest matches the forged kernel: " + beside.out());
    Tools.Result trusted = cosbuild("verify", "--certificate", cert.toString(), forged.toString());
    assertEquals(1, trusted.code(), trusted.out() + trusted.err());
    assertTrue(trusted.out().contains("manifest.json.p7s: does not verify manifest.json with " + cert), trusted.out());

    m.put("manifestVersion", 2);
    for (JsonNode p : m.get("disk").get("partitions")) { // as version 2 wrote them
      ((ObjectNode) p).put("attributes", Long.parseUnsignedLong(p.get("attributes").asText(), 16));
      ((ObjectNode) p).remove("flags");
    }
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), m);
    Files.delete(forged.resolve("manifest.json.p7s"));
    Tools.Result old = cosbuild("verify", "--certificate", cert.toString(), forged.toString());
    assertEquals(1, old.code(), old.out() + old.err());
    assertTrue(old.out().contains("manifest.json.p7s: missing, so nothing ties manifest.json to the key (images built "
        + "before manifestVersion 3 sign only the root hash)"), old.out());
  }

  /**
   * A signing key that cannot be used fails the build at once, naming the profile field, before anything is fetched
   * or written: not after the whole build, at the step that signs.
   */
  @Test
  void unusableSigningKeysFailBeforeAnythingIsBuilt() throws Exception {
    ok("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=one", "-newkey", "rsa:2048",
        "-keyout", work.resolve("one.key").toString(), "-out", work.resolve("one.crt").toString());
    ok("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=two", "-newkey", "rsa:2048",
        "-keyout", work.resolve("two.key").toString(), "-out", work.resolve("two.crt").toString());
    ok("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=ec", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-keyout", work.resolve("ec.key").toString(), "-out", work.resolve("ec.crt").toString());
    String uki = "disk:\n  esp: uki\n  esp-size: 64MiB\n";
    String[][] cases = {
        {uki + "  secure-boot-key: none.key\n  secure-boot-certificate: one.crt\n",
            "disk.secure-boot-key " + work.resolve("none.key") + ": no such file"},
        {uki + "  secure-boot-key: one.key\n  secure-boot-certificate: two.crt\n",
            "disk.secure-boot-key " + work.resolve("one.key") + " is not the key of its certificate (CN=two)"},
        {uki + "  secure-boot-key: ec.key\n  secure-boot-certificate: ec.crt\n",
            "disk.secure-boot-key " + work.resolve("ec.key") + ": an EC key; UEFI firmware verifies RSA signatures only"},
        {"verity:\n  signing-key: two.key\n  signing-certificate: one.crt\n",
            "verity.signing-key " + work.resolve("two.key") + " is not the key of its certificate (CN=one)"}};
    for (int i = 0; i < cases.length; i++) {
      Path profile = MinimalImageIT.profileExtendingMinimal(work, "keys" + i + ".yaml", cases[i][0]);
      Path out = work.resolve("out" + i);
      Tools.Result r = cosbuild("image", "--profile", profile.toString(), "--arch", "x86_64", "--out", out.toString(),
          "--format", "raw");
      assertEquals(2, r.code(), r.out() + r.err());
      assertTrue(r.err().contains(cases[i][1]), r.err());
      assertFalse(r.err().contains("==> Resolving packages"), "refused before any step:\n" + r.err());
      assertFalse(Files.exists(out), "nothing written");
    }
  }
}
