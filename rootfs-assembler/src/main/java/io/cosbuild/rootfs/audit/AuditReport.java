package io.cosbuild.rootfs.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The audit of a finished tree: package count and sizes, and the findings of every
 * {@link AuditCheck} (each a sorted list of one-line descriptions starting with the path). Checks
 * listed in {@code errors} fail the build when they have findings. Immutable and thread-safe.
 *
 * @param binSh what {@code /bin/sh} resolves to, or {@code null} when no shell is reachable there
 */
public record AuditReport(int packageCount, long totalBytes, List<PackageSize> sizes,
    Map<AuditCheck, List<String>> findings, Set<AuditCheck> errors, String binSh) {

  public AuditReport {
    sizes = List.copyOf(sizes);
    Map<AuditCheck, List<String>> f = new EnumMap<>(AuditCheck.class);
    for (AuditCheck c : AuditCheck.values()) {
      f.put(c, List.copyOf(findings.getOrDefault(c, List.of())));
    }
    findings = Collections.unmodifiableMap(f);
    errors = errors.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(errors));
  }

  /** Checks that are errors and have findings. */
  public List<AuditCheck> failedChecks() {
    List<AuditCheck> out = new ArrayList<>();
    for (AuditCheck c : AuditCheck.values()) {
      if (errors.contains(c) && !findings.get(c).isEmpty()) {
        out.add(c);
      }
    }
    return out;
  }

  public boolean failed() {
    return !failedChecks().isEmpty();
  }

  /** A human-readable report, the same bytes for the same tree. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append("Audit of the root filesystem\n");
    sb.append("  packages: ").append(packageCount).append(", content: ").append(totalBytes).append(" bytes\n");
    sb.append("  /bin/sh: ").append(binSh == null ? "not reachable (no shell)" : "reachable, resolves to " + binSh).append('\n');
    sb.append("Size by package (bytes, files):\n");
    for (PackageSize s : sizes) {
      sb.append(String.format("  %12d %6d  %s %s%n", s.bytes(), s.files(), s.name(), s.version()));
    }
    for (AuditCheck c : AuditCheck.values()) {
      List<String> l = findings.get(c);
      sb.append(c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).append(": ").append(l.size())
          .append(l.isEmpty() ? "" : errors.contains(c) ? " (ERROR)" : " (warning)").append('\n');
      for (String s : l) {
        sb.append("  ").append(s).append('\n');
      }
    }
    return sb.toString().replace("\r", "");
  }

  /** The report as JSON with keys in a fixed order. */
  public String toJson() {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode o = m.createObjectNode();
    o.put("binSh", binSh);
    ArrayNode err = o.putArray("errors");
    failedChecks().forEach(c -> err.add(c.name()));
    ObjectNode f = o.putObject("findings");
    for (AuditCheck c : AuditCheck.values()) {
      ArrayNode a = f.putArray(c.name());
      findings.get(c).forEach(a::add);
    }
    o.put("packageCount", packageCount);
    ArrayNode s = o.putArray("sizes");
    for (PackageSize p : sizes) {
      s.addObject().put("name", p.name()).put("version", p.version()).put("bytes", p.bytes()).put("files", p.files());
    }
    o.put("totalBytes", totalBytes);
    try {
      return m.writeValueAsString(o) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code audit.txt} and {@code audit.json} into {@code dir}, each via a temporary file. */
  public void writeTo(Path dir) throws IOException {
    write(dir.resolve("audit.txt"), toText());
    write(dir.resolve("audit.json"), toJson());
  }

  private static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
