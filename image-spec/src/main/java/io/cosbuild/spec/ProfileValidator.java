package io.cosbuild.spec;

import io.cosbuild.spec.node.Location;
import io.cosbuild.spec.node.Node;
import io.cosbuild.spec.schema.FieldSpec;
import io.cosbuild.spec.schema.FieldType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a merged profile against {@link io.cosbuild.spec.schema.ProfileSchema} and produces its
 * effective value: plain maps, lists, strings, longs and booleans with every default filled in,
 * in schema order. Every error is collected, so a user sees them all at once. Not thread-safe: one
 * instance per validation.
 */
final class ProfileValidator {

  private static final Set<String> REQUIRED = Set.of("security.users[].name", "security.permissions[].path", "files[].path");

  private final List<ProfileError> errors = new ArrayList<>();
  private final Map<String, Location> locations = new LinkedHashMap<>();

  List<ProfileError> errors() {
    return errors;
  }

  /** Where each scalar of the effective profile was written, by field path. */
  Map<String, Location> locations() {
    return locations;
  }

  Map<String, Object> validate(Node.MapNode profile, FieldSpec root) {
    return object(profile, root, "");
  }

  private Map<String, Object> object(Node.MapNode node, FieldSpec spec, String path) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Node.Field f : node == null ? List.<Node.Field>of() : node.fields().values()) {
      if (spec.child(f.key()) == null) {
        String hint = closest(f.key(), spec.children().stream().map(FieldSpec::name).toList());
        errors.add(new ProfileError(f.keyLocation(), join(path, f.key()),
            "unknown field '" + f.key() + "'" + (hint == null ? "" : " (did you mean '" + hint + "'?)")));
      }
    }
    for (FieldSpec c : spec.children()) {
      Node value = node == null ? null : node.get(c.name());
      String p = join(path, c.name());
      if (value == null || (value instanceof Node.ScalarNode s && s.value() == null)) {
        if (REQUIRED.contains(schemaPath(p))) {
          errors.add(new ProfileError(node == null ? Location.BUILT_IN : node.location(), p, "required field is missing"));
        }
        out.put(c.name(), defaultOf(c));
      } else {
        out.put(c.name(), value(value, c, p));
      }
    }
    return out;
  }

  private Object defaultOf(FieldSpec c) {
    if (c.type() == FieldType.OBJECT) {
      return object(null, c, "");
    }
    return c.defaultValue();
  }

  private Object value(Node n, FieldSpec spec, String path) {
    // Lists and mappings too: rules about a whole list (e.g. an empty one) name where it was written.
    locations.put(path, n.location());
    switch (spec.type()) {
      case OBJECT -> {
        if (n instanceof Node.MapNode m) {
          return object(m, spec, path);
        }
        return wrongKind(n, spec, path);
      }
      case OBJECT_LIST -> {
        if (!(n instanceof Node.ListNode l)) {
          return wrongKind(n, spec, path);
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < l.items().size(); i++) {
          Node item = l.items().get(i);
          if (item instanceof Node.MapNode m) {
            items.add(object(m, spec, path + "[" + i + "]"));
          } else {
            errors.add(new ProfileError(item.location(), path + "[" + i + "]", "expected a mapping, found " + item.kind()));
          }
        }
        return items;
      }
      case STRING_LIST, INT_LIST -> {
        List<Node> items = n instanceof Node.ListNode l ? l.items() : n instanceof Node.ScalarNode ? List.of(n) : null;
        if (items == null) {
          return wrongKind(n, spec, path);
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
          Object v = scalar(items.get(i), spec, spec.type() == FieldType.INT_LIST ? FieldType.INT : FieldType.STRING, path + "[" + i + "]");
          if (v != null) {
            out.add(v);
          }
        }
        return out;
      }
      case STRING_MAP -> {
        if (!(n instanceof Node.MapNode m)) {
          return wrongKind(n, spec, path);
        }
        Map<String, Object> out = new TreeMap<>();
        for (Node.Field f : m.fields().values()) {
          if (f.value() instanceof Node.ScalarNode s && s.value() != null) {
            out.put(f.key(), s.text());
          } else {
            errors.add(new ProfileError(f.value().location(), path + "." + f.key(), "expected a scalar, found " + f.value().kind()));
          }
        }
        return out;
      }
      default -> {
        return scalar(n, spec, spec.type(), path);
      }
    }
  }

  private Object scalar(Node n, FieldSpec spec, FieldType type, String path) {
    if (!(n instanceof Node.ScalarNode s) || s.value() == null) {
      errors.add(new ProfileError(n.location(), path, "expected " + type.words() + ", found " + n.kind()));
      return null;
    }
    Object v = s.value();
    if (v instanceof BigInteger) {
      errors.add(new ProfileError(n.location(), path, "'" + v + "' is too large"));
      return null;
    }
    boolean ok = switch (type) {
      case INT -> v instanceof Long;
      case BOOL -> v instanceof Boolean;
      case SIZE -> v instanceof Long || v instanceof String;
      default -> v instanceof String;
    };
    if (!ok) {
      String hint = type == FieldType.STRING || type == FieldType.ENUM ? " (write it in quotes)" : "";
      errors.add(new ProfileError(n.location(), path, "expected " + type.words() + ", found " + s.kind() + " '" + s.text() + "'" + hint));
      return null;
    }
    if (!spec.choices().isEmpty() && !spec.choices().contains(String.valueOf(v))) {
      String hint = closest(String.valueOf(v), spec.choices());
      errors.add(new ProfileError(n.location(), path, "'" + v + "' is not one of " + String.join(", ", spec.choices())
          + (hint == null ? "" : " (did you mean '" + hint + "'?)")));
      return null;
    }
    String problem = spec.check().check(v);
    if (problem != null) {
      errors.add(new ProfileError(n.location(), path, problem));
      return null;
    }
    locations.put(path, n.location());
    return v;
  }

  private Object wrongKind(Node n, FieldSpec spec, String path) {
    errors.add(new ProfileError(n.location(), path, "expected " + spec.type().words() + ", found " + n.kind()));
    return spec.type() == FieldType.OBJECT ? object(null, spec, path) : spec.defaultValue();
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String schemaPath(String path) {
    return path.replaceAll("\\[\\d+\\]", "[]");
  }

  /** The candidate within a small edit distance of {@code word}, if one is clearly meant. */
  static String closest(String word, List<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(word, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, word.length() / 3) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
