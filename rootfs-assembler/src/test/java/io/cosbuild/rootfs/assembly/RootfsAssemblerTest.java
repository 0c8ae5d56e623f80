package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cosbuild.rootfs.audit.AuditCheck;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsPath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order of the assembler's steps, where one step's report or the SBOM depends on another's removals. */
class RootfsAssemblerTest {

  @TempDir Path dir;

  @Test
  void shellReferencesNameOnlyScriptsTheImageShips() throws Exception {
    PackageContent pkg = pkg("tools", Map.of(
        "./usr/bin/bash", "\u007fELF",
        "./usr/bin/tool", "#!/bin/bash\necho tool\n",
        "./usr/share/doc/tools/examples/demo.sh", "#!/bin/bash\necho demo\n"));
    AssemblyResult r = RootfsAssembler.assemble(AssemblyPlan.builder("order", List.of(pkg), BlobStore.open(dir), 0)
        .hardening(HardeningOptions.strict())
        .build());

    assertFalse(r.tree().contains(FsPath.parse("/usr/share/doc/tools/examples/demo.sh")), "docs are removed");
    assertEquals(List.of("/usr/bin/tool: #!/bin/bash"), r.shells().shebangs());
    assertEquals(List.of("/usr/bin/tool: #!/bin/bash"), r.audit().findings().get(AuditCheck.SHELL_REFERENCES));
  }

  /**
   * The SBOM's licences are read from the packages before the docs step runs, so removing copyright
   * files does not lose them; a doc directory linked to another package's is followed within the
   * packages of the image (through a chain of links too), and a link to a package that is not there
   * gives no licence rather than a guess; a copyright file under another package's name is not that
   * package's.
   */
  @Test
  void sbomLicencesComeFromThePackagesWhateverTheDocsStepRemoves() throws Exception {
    String dep5 = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
        + "Files: *\nCopyright: 2024 Someone\nLicense: GPL-2+\n";
    List<PackageContent> pkgs = List.of(
        pkg("libbase", Map.of("./usr/share/doc/libbase/copyright", dep5)),
        pkg("libbase-dev", Map.of(), Map.of("./usr/share/doc/libbase-dev", "libbase")),
        pkg("tool", Map.of(), Map.of("./usr/share/doc/tool", "../doc/libbase-dev")),
        pkg("libother", Map.of(), Map.of("./usr/share/doc/libother", "libmissing")),
        pkg("nodoc", Map.of("./usr/bin/nodoc", "\u007fELF")),
        pkg("impostor", Map.of("./usr/share/doc/nodoc/copyright", dep5)));
    HardeningOptions noCopyright = new HardeningOptions(false, HardeningOptions.DEFAULT_SHELLS, true, List.of(), false,
        false, false, List.of(), false, Map.of(), null, null, false, false, List.of());
    AssemblyResult r = RootfsAssembler.assemble(AssemblyPlan.builder("licences", pkgs, BlobStore.open(dir), 0)
        .hardening(noCopyright).build());

    assertFalse(r.tree().contains(FsPath.parse("/usr/share/doc/libbase/copyright")), "copyright files are removed");
    Map<String, String> declared = new TreeMap<>();
    for (JsonNode p : new ObjectMapper().readTree(r.sbom().json()).get("packages")) {
      if (p.has("versionInfo")) {
        declared.put(p.get("name").asText(), p.get("licenseDeclared").asText());
      }
    }
    assertEquals(Map.of("libbase", "GPL-2.0-or-later", "libbase-dev", "GPL-2.0-or-later", "tool", "GPL-2.0-or-later",
        "libother", "NOASSERTION", "nodoc", "NOASSERTION", "impostor", "NOASSERTION"), declared);
  }

  private static PackageContent pkg(String name, Map<String, String> files) throws Exception {
    return pkg(name, files, Map.of());
  }

  /** A package of executable files and symbolic links (entry name to link target). */
  private static PackageContent pkg(String name, Map<String, String> files, Map<String, String> links) throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      for (Map.Entry<String, String> l : new TreeMap<>(links).entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(l.getKey(), TarConstants.LF_SYMLINK);
        e.setLinkName(l.getValue());
        out.putArchiveEntry(e);
        out.closeArchiveEntry();
      }
      for (Map.Entry<String, String> f : new TreeMap<>(files).entrySet()) {
        byte[] b = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(b.length);
        e.setMode(0100755);
        out.putArchiveEntry(e);
        out.write(b);
        out.closeArchiveEntry();
      }
    }
    byte[] data = tar.toByteArray();
    return new PackageContent(name, "1.0", "amd64", "0".repeat(64), 1,
        Map.of("Package", name, "Version", "1.0", "Architecture", "amd64", "Description", name),
        List.of(), Map.of(), () -> new ByteArrayInputStream(data));
  }
}
