package io.cosbuild.spec;

import io.cosbuild.spec.node.Location;
import io.cosbuild.spec.schema.ByteSize;
import java.util.List;
import java.util.Map;

/** Typed reads of the effective profile (plain maps and lists) and of where its fields were written. */
final class Values {

  private Values() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    return (Map<String, Object>) m.get(key);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> maps(Map<String, Object> m, String key) {
    return (List<Map<String, Object>>) m.get(key);
  }

  @SuppressWarnings("unchecked")
  static List<String> strings(Map<String, Object> m, String key) {
    return (List<String>) m.get(key);
  }

  @SuppressWarnings("unchecked")
  static List<Long> longs(Map<String, Object> m, String key) {
    return (List<Long>) m.get(key);
  }

  /** A size field's bytes: a number, or text such as 512MiB. */
  static long size(Object v) {
    return v instanceof Long l ? l : ByteSize.parse((String) v);
  }

  /**
   * Where {@code field} was written; else where its nearest enclosing field was (a default inside a
   * written mapping); else the profile file itself.
   */
  static Location at(Map<String, Location> where, String field, String file) {
    for (String f = field; !f.isEmpty(); f = parent(f)) {
      Location l = where.get(f);
      if (l != null) {
        return l;
      }
    }
    return new Location(file, 0, 0);
  }

  private static String parent(String field) {
    int cut = Math.max(field.lastIndexOf('.'), field.lastIndexOf('['));
    return cut < 0 ? "" : field.substring(0, cut);
  }
}
