package io.cosbuild.spec.node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML or JSON value that remembers where it was written, so that every error about a merged
 * profile can still name the file, line and column of the value at fault. Immutable.
 */
public sealed interface Node {

  Location location();

  /** A human word for the node's kind, for error messages. */
  String kind();

  /** A mapping; keys keep the order they were written in. */
  record MapNode(Map<String, Field> fields, Location location) implements Node {
    public MapNode {
      fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public String kind() {
      return "a mapping";
    }

    public Node get(String key) {
      Field f = fields.get(key);
      return f == null ? null : f.value();
    }
  }

  /** One key of a mapping, with the location of the key itself. */
  record Field(String key, Location keyLocation, Node value) {}

  /** A sequence. */
  record ListNode(List<Node> items, Location location) implements Node {
    public ListNode {
      items = List.copyOf(items);
    }

    @Override
    public String kind() {
      return "a list";
    }
  }

  /**
   * A scalar: {@code value} is a String, Long, Double, Boolean or null (YAML {@code ~}/{@code null}),
   * or a BigInteger for a whole number beyond a long.
   */
  record ScalarNode(Object value, Location location) implements Node {
    @Override
    public String kind() {
      if (value == null) {
        return "null";
      } else if (value instanceof String) {
        return "a string";
      } else if (value instanceof Boolean) {
        return "a boolean";
      }
      return "a number";
    }

    public String text() {
      return String.valueOf(value);
    }
  }
}
