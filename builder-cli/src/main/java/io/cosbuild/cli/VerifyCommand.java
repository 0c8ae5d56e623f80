package io.cosbuild.cli;

import io.cosbuild.cli.verify.ImageVerifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cosbuild verify DIR|DISK}: offline integrity check of a built image. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Check a built image offline against its manifest.json.",
        "GPT CRCs and backup, the partition table against the manifest, every dm-verity tree recomputed against the "
            + "manifest's root hash, and the other outputs' digests. Exit 0 when everything agrees, 1 naming each difference."})
public final class VerifyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin LoggingOptions logging;

  @Parameters(paramLabel = "DIR|DISK", description = "An output directory (disk.raw + manifest.json) or a disk image.")
  Path target;

  @Option(names = "--manifest", paramLabel = "FILE", description = "manifest.json to check against (default: beside the disk).")
  Path manifest;

  @Option(names = "--certificate", paramLabel = "PEM",
      description = "Trust this certificate only: the root hash must be signed with its key (exit 1 if unsigned or signed by another).")
  Path certificate;

  @Option(names = "--secure-boot-certificate", paramLabel = "PEM", description = "The unified kernel image (uki.efi,"
      + " the ESP's) must be signed for UEFI Secure Boot with this certificate's key, or by a certificate it issued, as"
      + " firmware with it in db checks (exit 1 if unsigned, signed by another, or changed since).")
  Path secureBootCertificate;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Path disk = Files.isDirectory(target) ? target.resolve("disk.raw") : target;
    if (!Files.isRegularFile(disk)) {
      throw new NoSuchFileException(disk + " (no disk image there)");
    }
    Path m = manifest != null ? manifest : disk.resolveSibling("manifest.json");
    if (!Files.exists(m)) {
      if (manifest != null) {
        throw new NoSuchFileException(m.toString());
      }
      m = null;
    }
    if (certificate != null && !Files.isRegularFile(certificate)) {
      throw new NoSuchFileException(certificate + " (--certificate: no such file)");
    }
    if (secureBootCertificate != null && !Files.isRegularFile(secureBootCertificate)) {
      throw new NoSuchFileException(secureBootCertificate + " (--secure-boot-certificate: no such file)");
    }
    List<String> problems = ImageVerifier.verify(disk, m, certificate, secureBootCertificate);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(java.util.Map.of("disk", disk.toString(), "ok", problems.isEmpty(), "differences", problems)));
    } else if (problems.isEmpty()) {
      out.println("OK " + disk + (m == null ? " (no manifest: GPT and the verity root spelled by the partition UUIDs)"
          : " agrees with " + m));
    } else {
      out.println("FAILED " + disk + ":");
      problems.forEach(p -> out.println("  " + p));
    }
    out.flush();
    return problems.isEmpty() ? Main.OK : Main.FAILED;
  }
}
