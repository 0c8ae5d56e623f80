package io.cosbuild.spec;

import io.cosbuild.spec.node.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges a child profile over its parent. The rule, documented in docs/profile-reference.md:
 * mappings merge key by key; a scalar in the child replaces the parent's; lists are appended
 * (parent's items first, an item already present is not repeated); a key written with a trailing
 * {@code !} (e.g. {@code include!:}) replaces the parent's value instead of merging with it.
 * Every node keeps the location it was written at. Stateless.
 */
public final class ProfileMerger {

  private ProfileMerger() {}

  public static Node.MapNode merge(Node.MapNode parent, Node.MapNode child) {
    Map<String, Node.Field> out = new LinkedHashMap<>();
    for (Node.Field f : parent.fields().values()) {
      out.put(f.key(), f);
    }
    for (Node.Field f : child.fields().values()) {
      String key = f.key();
      boolean replace = key.endsWith("!");
      if (replace) {
        key = key.substring(0, key.length() - 1);
      }
      Node.Field base = out.get(key);
      Node value = f.value();
      if (!replace && base != null) {
        value = mergeValues(base.value(), value);
      } else {
        value = stripBangs(value);
      }
      out.put(key, new Node.Field(key, f.keyLocation(), value));
    }
    return new Node.MapNode(out, child.location());
  }

  /** Removes the replace markers of a profile that has no parent to replace anything in. */
  public static Node stripBangs(Node n) {
    if (n instanceof Node.MapNode m) {
      return merge(new Node.MapNode(Map.of(), m.location()), m);
    } else if (n instanceof Node.ListNode l) {
      List<Node> items = new ArrayList<>();
      for (Node i : l.items()) {
        items.add(stripBangs(i));
      }
      return new Node.ListNode(items, l.location());
    }
    return n;
  }

  private static Node mergeValues(Node parent, Node child) {
    if (parent instanceof Node.MapNode pm && child instanceof Node.MapNode cm) {
      return merge(pm, cm);
    }
    if (parent instanceof Node.ListNode pl && child instanceof Node.ListNode cl) {
      List<Node> items = new ArrayList<>(pl.items());
      for (Node c : cl.items()) {
        Node item = stripBangs(c);
        boolean dup = item instanceof Node.ScalarNode s
            && items.stream().anyMatch(i -> i instanceof Node.ScalarNode x && java.util.Objects.equals(x.value(), s.value()));
        if (!dup) {
          items.add(item);
        }
      }
      return new Node.ListNode(items, cl.location());
    }
    return stripBangs(child);
  }
}
