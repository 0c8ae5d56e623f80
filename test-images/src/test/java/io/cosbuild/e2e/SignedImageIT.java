package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static io.cosbuild.e2e.Tools.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Path minimal = Path.of("..", "profiles", "minimal.yaml").toAbsolutePath().normalize();
    Path profile = Files.writeString(work.resolve("signed.yaml"), "extends: " + minimal + "\n"
        + "verity:\n  signing-key: verity.key\n  signing-certificate: verity.crt\n");
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
    MinimalImageIT.flipByte(out.resolve("root.hash.p7s"), Files.size(out.resolve("root.hash.p7s")) - 10);
    Tools.Result bad = cosbuild("verify", out.toString());
    assertEquals(1, bad.code(), bad.out() + bad.err());
    assertTrue(bad.out().contains("root.hash.p7s: does not verify the manifest's root hash"), bad.out());
  }
}
