package io.cosbuild.spec.model;

import java.util.List;
import java.util.OptionalInt;

/** An account to add; uid/gid empty means allocate from the system range. Passwords are always locked. */
public record UserSpec(String name, OptionalInt uid, OptionalInt gid, List<String> groups, String home, String shell) {
  public UserSpec {
    groups = List.copyOf(groups);
  }
}
