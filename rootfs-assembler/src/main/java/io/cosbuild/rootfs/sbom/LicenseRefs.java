package io.cosbuild.rootfs.sbom;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The document's {@code LicenseRef-} ids and their {@code hasExtractedLicensingInfos} entries. A short name
 * without an SPDX id becomes {@code LicenseRef-<name>}, characters outside {@code [A-Za-z0-9.-]} made
 * {@code -}; names equal without regard to case (as SPDX compares ids) are one name. One name with one text
 * in the whole document gets one id. A name that packages give different texts gets one id per text:
 * {@code LicenseRef-<name>-<first 8 hex digits of the text's SHA-256>}. The text is the stand-alone License
 * paragraph of the copyright file that uses the name; where there is none, a sentence naming the packages
 * and files that use it (one entry for all of them). Same uses, same ids and entries, in any order of
 * {@link #add}. Not thread-safe.
 */
final class LicenseRefs {

  /** One entry of {@code hasExtractedLicensingInfos}. */
  record Extracted(String licenseId, String name, String text) {}

  private record Use(String name, String text, String where) {}

  private final Map<String, List<Use>> uses = new TreeMap<>();
  private final Map<String, String> ids = new HashMap<>();
  private final List<Extracted> extracted = new ArrayList<>();
  private final Set<String> taken = new HashSet<>();
  private boolean assigned;

  /** Records that {@code where} (e.g. {@code bash (/usr/share/doc/bash/copyright)}) uses {@code ref}. */
  void add(SpdxExpression.Ref ref, String where) {
    if (assigned) {
      throw new IllegalStateException("ids are already assigned");
    }
    uses.computeIfAbsent(group(ref.name()), g -> new ArrayList<>()).add(new Use(ref.name(), ref.text(), where));
  }

  /** The id of a {@link #add added} ref. */
  String id(SpdxExpression.Ref ref) {
    assign();
    String id = ids.get(key(group(ref.name()), ref.text()));
    if (id == null) {
      throw new IllegalArgumentException("not added: " + ref);
    }
    return id;
  }

  /** The entries, by id. */
  List<Extracted> extracted() {
    assign();
    return List.copyOf(extracted);
  }

  private void assign() {
    if (assigned) {
      return;
    }
    assigned = true;
    for (Map.Entry<String, List<Use>> g : uses.entrySet()) {
      Map<String, List<Use>> byText = new TreeMap<>();
      List<Use> noText = new ArrayList<>();
      for (Use u : g.getValue()) {
        if (u.text() == null) {
          noText.add(u);
        } else {
          byText.computeIfAbsent(u.text(), t -> new ArrayList<>()).add(u);
        }
      }
      List<Extracted> entries = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      byText.forEach((text, us) -> {
        entries.add(new Extracted(null, firstName(us), text));
        keys.add(key(g.getKey(), text));
      });
      if (!noText.isEmpty()) {
        TreeSet<String> where = new TreeSet<>();
        noText.forEach(u -> where.add(u.where()));
        String name = firstName(noText);
        entries.add(new Extracted(null, name, "\"" + name + "\" is a licence short name in the machine-readable copyright files "
            + "of these Debian packages, which give no stand-alone License paragraph with its text: "
            + String.join(", ", where) + "."));
        keys.add(key(g.getKey(), null));
      }
      String base = "LicenseRef-" + SpdxSbomWriter.slug(firstName(g.getValue()));
      for (int i = 0; i < entries.size(); i++) {
        Extracted e = entries.get(i);
        String id = entries.size() == 1 ? base : base + "-" + SpdxSbomWriter.sha256(e.text()).substring(0, 8);
        extracted.add(new Extracted(id, e.name(), e.text()));
        if (!taken.add(id.toLowerCase(Locale.ROOT))) {
          throw new IllegalStateException("two texts of " + base + " have the same digest prefix");
        }
        ids.put(keys.get(i), id);
      }
    }
    extracted.sort(Comparator.comparing(Extracted::licenseId));
  }

  /** The first spelling of a name, so that the choice does not depend on the order of uses. */
  private static String firstName(List<Use> us) {
    return us.stream().map(Use::name).min(Comparator.naturalOrder()).orElseThrow();
  }

  private static String group(String name) {
    return SpdxSbomWriter.slug(name).toLowerCase(Locale.ROOT);
  }

  private static String key(String group, String text) {
    return group + "\u0000" + (text == null ? "" : "\u0000" + text);
  }
}
