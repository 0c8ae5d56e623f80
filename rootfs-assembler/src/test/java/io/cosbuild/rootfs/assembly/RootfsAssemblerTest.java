package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order of the assembler's steps, where one step's report depends on another's removals. */
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

  private static PackageContent pkg(String name, Map<String, String> files) throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      for (Map.Entry<String, String> f : new java.util.TreeMap<>(files).entrySet()) {
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
