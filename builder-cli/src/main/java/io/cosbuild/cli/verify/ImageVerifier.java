package io.cosbuild.cli.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cosbuild.cli.Json;
import io.cosbuild.cli.build.FileDigests;
import io.cosbuild.cli.build.ImageBuilder;
import io.cosbuild.cli.build.Manifest;
import io.cosbuild.rootfs.efi.AuthenticodeVerifier;
import io.cosbuild.spec.node.BindingErrors;
import io.cosbuild.verity.RootHashSigner;
import io.cosbuild.verity.VerityException;
import io.cosbuild.disk.gpt.GptReader;
import io.cosbuild.disk.gpt.RootHash;
import io.cosbuild.disk.inspect.DiskVerifier;
import io.cosbuild.disk.inspect.ManifestPartition;
import io.cosbuild.disk.inspect.VerityFacts;
import io.cosbuild.disk.inspect.VerityExpectation;
import io.cosbuild.disk.inspect.VerifyReport;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Offline check of a built image: the GPT (CRCs, backup), the partition table against
 * {@code manifest.json}, every verity tree recomputed against the manifest's root hash, and the
 * digests of the other outputs the manifest lists. Stateless.
 */
public final class ImageVerifier {

  /** What a manifest may leave out or set to null: an unsigned root hash, fields older versions did not write. */
  static final Set<String> OPTIONAL_FIELDS = Set.of("verity.signature", "disk.partitions[].flags",
      "disk.partitions[].sha256", "files", "packages", "rootfs", "rootfs.level", "rootfs.xzFilters", "kernelCommandLine");

  private ImageVerifier() {}

  /** Every difference found, each naming what is wrong; empty when the image is intact. */
  public static List<String> verify(Path disk, Path manifestFile) throws IOException {
    return verify(disk, manifestFile, null);
  }

  /**
   * As {@link #verify(Path, Path)}; with {@code trusted} (a PEM certificate the caller trusts), the root hash
   * must also carry a signature that verifies with it, whatever certificate lies beside the image: the chain
   * from that key to every block of the root is then checked, not only the outputs' agreement.
   */
  public static List<String> verify(Path disk, Path manifestFile, Path trusted) throws IOException {
    return verify(disk, manifestFile, trusted, null);
  }

  /**
   * As {@link #verify(Path, Path, Path)}; with {@code secureBoot} (a PEM certificate a firmware's db would hold),
   * the unified kernel image must be signed for Secure Boot with its key, as firmware checks it. The ESP holds the
   * same bytes as uki.efi: both digests are in the manifest.
   */
  public static List<String> verify(Path disk, Path manifestFile, Path trusted, Path secureBoot) throws IOException {
    List<String> problems = new ArrayList<>();
    if (secureBoot != null) {
      checkSecureBoot(manifestFile, secureBoot, problems);
    }
    if (trusted != null && manifestFile == null) {
      problems.add("--certificate: there is no manifest.json, so no root hash signature to check");
      return problems;
    }
    Manifest manifest = null;
    if (manifestFile != null) {
      try {
        manifest = Json.mapper().readValue(manifestFile.toFile(), Manifest.class);
      } catch (JsonProcessingException e) {
        problems.add(manifestFile + ": not a readable manifest: " + BindingErrors.describe(e));
        return problems;
      } catch (IOException e) {
        problems.add(manifestFile + ": not a readable manifest: " + e.getMessage().lines().findFirst().orElse(""));
        return problems;
      }
    }
    List<ManifestPartition> parts = new ArrayList<>();
    List<VerityExpectation> verity = new ArrayList<>();
    UUID diskGuid = null;
    if (manifest != null) {
      if (manifest.manifestVersion() < 1 || manifest.manifestVersion() > Manifest.VERSION) {
        problems.add(manifestFile + ": manifestVersion " + manifest.manifestVersion() + " is not one this cosbuild reads (1.."
            + Manifest.VERSION + ")");
        return problems;
      }
      String missing = MissingFields.first(manifest, OPTIONAL_FIELDS);
      if (missing != null) {
        problems.add(manifestFile + ": not a readable manifest: no " + missing);
        return problems;
      }
      try {
        for (Manifest.Partition p : manifest.disk().partitions()) {
          parts.add(new ManifestPartition(p.number(), p.name(), UUID.fromString(p.typeGuid()),
              UUID.fromString(p.partitionGuid()), p.firstLba(), p.lastLba(), p.attributeBits(manifest.manifestVersion()),
              "empty".equals(p.content())));
        }
        diskGuid = UUID.fromString(manifest.disk().diskGuid());
      } catch (IllegalArgumentException e) {
        problems.add(manifestFile + ": not a readable manifest: " + e.getMessage());
        return problems;
      }
      RootHash root = new RootHash(manifest.verity().rootHash());
      Manifest.VerityRef mv = manifest.verity();
      VerityFacts sb = new VerityFacts(1, mv.version(), null, mv.algorithm(), mv.dataBlockSize(), mv.hashBlockSize(), mv.dataBlocks(),
          mv.salt());
      verity.add(new VerityExpectation(2, 3, root, true, sb, mv.hashSize()));
      if (manifest.disk().partitions().stream().anyMatch(p -> p.number() == 4 && "copy".equals(p.content()))) {
        verity.add(new VerityExpectation(4, 5, root, false, sb, mv.hashSize()));
      }
      Path dir = manifestFile.toAbsolutePath().getParent();
      checkFiles(dir, manifest, problems);
      checkSignature(dir, manifest.verity(), trusted, problems);
      checkManifestSignature(manifestFile, manifest, trusted, problems);
      ManifestChecks.check(dir, manifest, disk, problems);
    } else {
      // Without a manifest the root hash is still spelled by ROOT-A's and VERITY-A's partition UUIDs.
      try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ)) {
        var table = GptReader.read(ch);
        var a = table.partitions().stream().filter(p -> p.number() == 2).findFirst();
        var h = table.partitions().stream().filter(p -> p.number() == 3).findFirst();
        if (a.isPresent() && h.isPresent()) {
          verity.add(new VerityExpectation(2, 3,
              RootHash.fromSha256PartitionUuids(a.get().entry().partGuid(), h.get().entry().partGuid()), true));
        }
      }
    }
    DiskVerityChecker checker = new DiskVerityChecker();
    VerifyReport report = DiskVerifier.verify(disk, diskGuid, manifest == null ? null : parts, verity, checker);
    problems.addAll(report.differences());
    if (!report.ok() && !checker.lastFailure().isEmpty()) {
      problems.add("  (" + checker.lastFailure() + ")");
    }
    return problems;
  }

  private static void checkSecureBoot(Path manifestFile, Path certificate, List<String> problems) throws IOException {
    Path uki = manifestFile == null ? null : manifestFile.resolveSibling(ImageBuilder.UKI);
    if (uki == null || !Files.isRegularFile(uki)) {
      problems.add("--secure-boot-certificate: there is no " + ImageBuilder.UKI + " beside the disk (the profile has no"
          + " disk.esp: uki), so nothing is signed for Secure Boot");
      return;
    }
    X509Certificate trusted;
    try {
      trusted = RootHashSigner.readCertificate(certificate);
    } catch (VerityException e) {
      problems.add("--secure-boot-certificate " + certificate + ": " + e.getMessage());
      return;
    }
    AuthenticodeVerifier.check(uki, trusted).ifPresent(p -> problems.add(ImageBuilder.UKI + ": " + p));
    Path ukiB = manifestFile.resolveSibling(ImageBuilder.UKI_B); // slot B's, with disk.root-b: copy
    if (Files.isRegularFile(ukiB)) {
      AuthenticodeVerifier.check(ukiB, trusted).ifPresent(p -> problems.add(ImageBuilder.UKI_B + ": " + p));
    }
  }

  /**
   * Each output the manifest lists has its size and digest; from manifest version 2 on, which lists every output, an
   * output file the manifest does not list is not from this build (a build deletes the outputs it did not write).
   */
  private static void checkFiles(Path dir, Manifest manifest, List<String> problems) throws IOException {
    Map<String, Manifest.FileRef> files = manifest.files() == null ? Map.of() : manifest.files();
    for (Map.Entry<String, Manifest.FileRef> e : files.entrySet()) {
      if (e.getKey().equals("disk.raw")) {
        continue; // checked block by block above; a whole-file digest would only say "different"
      }
      Path f = dir.resolve(e.getKey());
      if (!Files.exists(f)) {
        problems.add(e.getKey() + ": missing (the manifest lists it)");
        continue;
      }
      if (Files.size(f) != e.getValue().size()) {
        problems.add(e.getKey() + ": " + Files.size(f) + " bytes, the manifest says " + e.getValue().size());
      }
      String actual = FileDigests.sha256(f);
      if (!actual.equals(e.getValue().sha256())) {
        problems.add(e.getKey() + ": sha256 " + actual + " differs from the manifest's " + e.getValue().sha256());
      }
    }
    if (manifest.manifestVersion() >= 2) {
      for (String output : ImageBuilder.OUTPUTS) {
        if (!output.equals("disk.raw") && !output.equals("manifest.json") && !output.equals(ImageBuilder.MANIFEST_SIGNATURE)
            && !files.containsKey(output)
            && Files.exists(dir.resolve(output))) {
          problems.add(output + ": in " + dir + " but not in manifest.json (not written by this build)");
        }
      }
    }
  }

  /**
   * From manifest version 3 on, a signed build signs its manifest too ({@code manifest.json.p7s} beside it), which
   * ties every fact in it to the key, the kernel's and initramfs's digests among them. With {@code trusted} the
   * signature is required whatever the version says, or a forged manifest could claim an older version to go
   * unchecked.
   */
  private static void checkManifestSignature(Path manifestFile, Manifest manifest, Path trusted, List<String> problems)
      throws IOException {
    boolean signedBuild = manifest.verity().signature() != null && manifest.manifestVersion() >= 3;
    if (trusted == null && !signedBuild) {
      return;
    }
    if (trusted != null && manifest.verity().signature() == null) {
      return; // the unsigned root hash is reported already
    }
    Path sig = manifestFile.resolveSibling(manifestFile.getFileName() + ".p7s");
    Path cert = trusted != null ? trusted : manifestFile.resolveSibling(ImageBuilder.SIGNING_CERTIFICATE);
    String certName = trusted != null ? trusted.toString() : ImageBuilder.SIGNING_CERTIFICATE;
    if (!Files.exists(sig)) {
      problems.add(sig.getFileName() + ": missing, so nothing ties " + manifestFile.getFileName() + " to the key"
          + (manifest.manifestVersion() < 3 ? " (images built before manifestVersion 3 sign only the root hash)" : ""));
      return;
    }
    try {
      if (Files.exists(cert) && !RootHashSigner.verifyDetached(Files.readAllBytes(manifestFile), Files.readAllBytes(sig),
          RootHashSigner.readCertificate(cert))) {
        problems.add(sig.getFileName() + ": does not verify " + manifestFile.getFileName() + " with " + certName
            + " (the manifest or its signature was changed)");
      }
    } catch (VerityException e) {
      // an unreadable certificate: reported with the root hash's signature, as is a missing one
    }
  }

  private static void checkSignature(Path dir, Manifest.VerityRef verity, Path trusted, List<String> problems)
      throws IOException {
    if (verity.signature() == null) {
      if (trusted != null) {
        problems.add("--certificate " + trusted + ": the image's root hash is not signed (the profile has no verity.signing-key)");
      }
      return;
    }
    Path sig = dir.resolve(verity.signature());
    Path cert = trusted != null ? trusted : dir.resolve(ImageBuilder.SIGNING_CERTIFICATE);
    String certName = trusted != null ? trusted.toString() : ImageBuilder.SIGNING_CERTIFICATE;
    if (!Files.exists(sig) || !Files.exists(cert)) {
      problems.add(verity.signature() + ": the manifest says the root hash is signed, but the signature or "
          + certName + " is missing");
      return;
    }
    try {
      if (!RootHashSigner.verify(verity.rootHash(), Files.readAllBytes(sig), RootHashSigner.readCertificate(cert))) {
        problems.add(verity.signature() + ": does not verify the manifest's root hash with " + certName);
      }
    } catch (VerityException e) {
      problems.add(certName + ": " + e.getMessage());
    }
  }

}
