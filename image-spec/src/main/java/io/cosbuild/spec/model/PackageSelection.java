package io.cosbuild.spec.model;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Which packages to install, never install, and refuse; path overrides for file conflicts. */
public record PackageSelection(List<String> include, List<String> exclude, List<String> deny, boolean recommends,
    boolean essential, SortedMap<String, String> allowOverrides) {
  public PackageSelection {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    deny = List.copyOf(deny);
    allowOverrides = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(allowOverrides));
  }
}
