package io.cosbuild.rootfs.sbom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * An SPDX 2.3 JSON document describing the image and its packages. Immutable and thread-safe.
 *
 * @param documentNamespace the document's unique URI (derived from its content, not random)
 * @param purls the package URLs listed, in document order
 * @param json the document, UTF-8
 */
public record Sbom(String documentNamespace, List<String> purls, String json) {

  public Sbom {
    purls = List.copyOf(purls);
  }

  /** Writes the document to {@code file} via a temporary file in the same directory. */
  public void writeTo(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, json, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
