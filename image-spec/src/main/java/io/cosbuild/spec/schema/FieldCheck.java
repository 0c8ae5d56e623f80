package io.cosbuild.spec.schema;

/** Checks one scalar value of a field; returns an error message, or null when the value is fine. */
@FunctionalInterface
public interface FieldCheck {
  String check(Object value);

  FieldCheck NONE = v -> null;
}
