package io.cosbuild.spec;

import io.cosbuild.spec.node.Location;

/** One problem in a profile: where, which field (e.g. {@code packages.include[3]}) and what. */
public record ProfileError(Location location, String field, String message) {

  @Override
  public String toString() {
    return location + ": " + (field.isEmpty() ? "" : field + ": ") + message;
  }
}
