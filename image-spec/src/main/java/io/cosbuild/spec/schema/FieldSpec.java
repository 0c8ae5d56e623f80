package io.cosbuild.spec.schema;

import java.util.List;

/**
 * One declared profile field: its key, type, default, one-line help, allowed words (for
 * {@link FieldType#ENUM} and list items), sub-fields (for objects) and a value check. The whole
 * profile format is declared once as a tree of these, and the validator, the merged-profile
 * printer and the reference documentation are all driven by it. Immutable.
 */
public record FieldSpec(
    String name,
    FieldType type,
    Object defaultValue,
    String description,
    List<String> choices,
    List<FieldSpec> children,
    FieldCheck check) {

  public FieldSpec {
    choices = List.copyOf(choices);
    children = List.copyOf(children);
  }

  public FieldSpec child(String key) {
    for (FieldSpec c : children) {
      if (c.name.equals(key)) {
        return c;
      }
    }
    return null;
  }

  static FieldSpec of(String name, FieldType type, Object def, String description) {
    return new FieldSpec(name, type, def, description, List.of(), List.of(), FieldCheck.NONE);
  }

  FieldSpec checked(FieldCheck c) {
    return new FieldSpec(name, type, defaultValue, description, choices, children, c);
  }

  FieldSpec choices(String... words) {
    return new FieldSpec(name, type, defaultValue, description, List.of(words), children, check);
  }

  static FieldSpec object(String name, String description, FieldSpec... children) {
    return new FieldSpec(name, FieldType.OBJECT, null, description, List.of(), List.of(children), FieldCheck.NONE);
  }

  static FieldSpec objectList(String name, String description, FieldSpec... children) {
    return new FieldSpec(name, FieldType.OBJECT_LIST, List.of(), description, List.of(), List.of(children), FieldCheck.NONE);
  }
}
