package io.cosbuild.cli.verify;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the first field a JSON document left out (or set to null) in the records Jackson read it into, so that a
 * hand-edited or truncated file is refused by field name rather than failing later on a null. Stateless.
 */
final class MissingFields {

  private MissingFields() {}

  /**
   * The path of the first null field or list element under {@code value} (e.g. {@code disk.partitions[3].name}), or
   * null when there is none. {@code optional} names the fields that may be null, list indexes written as {@code []}.
   */
  static String first(Object value, Set<String> optional) {
    return first(value, "", optional);
  }

  private static String first(Object value, String path, Set<String> optional) {
    if (value instanceof Record r) {
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        String p = path.isEmpty() ? c.getName() : path + "." + c.getName();
        Object v;
        try {
          v = c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + p, e);
        }
        String missing = v == null ? (optional.contains(p.replaceAll("\\[\\d+]", "[]")) ? null : p) : first(v, p, optional);
        if (missing != null) {
          return missing;
        }
      }
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        String p = path + "[" + i + "]";
        String missing = list.get(i) == null ? p : first(list.get(i), p, optional);
        if (missing != null) {
          return missing;
        }
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String p = path + "." + e.getKey();
        String missing = e.getValue() == null ? p : first(e.getValue(), p, optional);
        if (missing != null) {
          return missing;
        }
      }
    }
    return null;
  }
}
