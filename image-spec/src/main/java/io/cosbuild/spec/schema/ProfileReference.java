package io.cosbuild.spec.schema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Generates {@code docs/profile-reference.md} from {@link ProfileSchema}, so the reference cannot
 * drift from what the loader accepts. {@code main(path)} rewrites the file; a test checks it.
 */
public final class ProfileReference {

  private ProfileReference() {}

  public static void main(String[] args) throws IOException {
    Files.writeString(Path.of(args[0]), markdown(), StandardCharsets.UTF_8);
  }

  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Profile reference\n\n")
        .append("<!-- Generated from image-spec's ProfileSchema by scripts/gen-profile-reference; do not edit by hand. -->\n\n")
        .append("A profile is a YAML (or JSON) file in `profiles/` (or a directory given with `--profile-path`, or any path).\n")
        .append("Every field is optional unless marked required; the default is what an absent field means.\n\n")
        .append("## `extends` and merging\n\n")
        .append("`extends` names one or more parent profiles (names or paths relative to the file). Parents are merged in the\n")
        .append("order given, then the file itself over them:\n\n")
        .append("- mappings merge key by key; a scalar in the child replaces the parent's;\n")
        .append("- lists are **appended**: the parent's items first, then the child's, an item already present is not repeated;\n")
        .append("- a key written with a trailing `!` (for example `include!:` or `tmpfs!:`) **replaces** the parent's value;\n")
        .append("  a key and its `!` form in one mapping is an error;\n")
        .append("- `name` and `description` are never inherited; `name` defaults to the file name.\n\n")
        .append("A cycle in `extends` is an error that names the chain. Errors name `file:line:column: field.path: problem`,\n")
        .append("and every error of a file is reported at once. Unknown fields are refused, with a suggestion when one is close.\n")
        .append("A profile is UTF-8 text with at least one field; YAML anchors and aliases (`&name`, `*name`) are refused.\n\n")
        .append("`cosbuild profile validate` also applies the rules `cosbuild image` enforces on a profile's own values, so a\n")
        .append("profile it accepts is not refused later: the ranges given below, a compression level within its compressor's\n")
        .append("range, non-empty `architectures` and repository `suites`/`components`, the mount layout rules of the\n")
        .append("`filesystem` fields, no package both in `packages.include` and in `exclude` or `deny`, and partitions (each\n")
        .append("rounded up to 1MiB, after the first MiB, before the backup GPT) that fit `disk.size`.\n\n")
        .append("Sizes are whole numbers with an optional unit: `K`, `M`, `G`, `T` and `KiB` … `TiB` are powers of 1024;\n")
        .append("`KB` … `TB` are powers of 1000; no unit means bytes.\n\n")
        .append("## Fields\n\n")
        .append("| field | type | default | meaning |\n|---|---|---|---|\n");
    for (FieldSpec f : ProfileSchema.ROOT.children()) {
      row(sb, f, "");
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, FieldSpec f, String prefix) {
    String path = prefix + f.name();
    String type = f.type().words();
    if (!f.choices().isEmpty()) {
      type += ": " + String.join(", ", f.choices().stream().map(c -> "`" + c + "`").toList());
    }
    sb.append("| `").append(path).append("` | ").append(type).append(" | ").append(def(f)).append(" | ")
        .append(f.description()).append(" |\n");
    String childPrefix = path + (f.type() == FieldType.OBJECT_LIST ? "[]." : ".");
    for (FieldSpec c : f.children()) {
      row(sb, c, childPrefix);
    }
  }

  private static String def(FieldSpec f) {
    Object d = f.defaultValue();
    if (f.type() == FieldType.OBJECT) {
      return "";
    }
    if (d == null) {
      return "(none)";
    }
    if (d instanceof String str && str.isEmpty()) {
      return "`\"\"`";
    }
    if (d instanceof List<?> l) {
      return l.isEmpty() ? "`[]`" : "`[" + String.join(", ", l.stream().map(String::valueOf).toList()) + "]`";
    }
    if (d instanceof Map<?, ?> m) {
      return m.isEmpty() ? "`{}`" : "`" + m + "`";
    }
    return "`" + d + "`";
  }
}
