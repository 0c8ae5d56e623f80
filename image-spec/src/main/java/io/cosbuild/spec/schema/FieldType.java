package io.cosbuild.spec.schema;

/** The kinds of value a profile field can hold. */
public enum FieldType {
  STRING("string"),
  INT("integer"),
  BOOL("boolean"),
  ENUM("one of the listed words"),
  SIZE("size with unit, e.g. 512MiB"),
  STRING_LIST("list of strings"),
  INT_LIST("list of integers"),
  STRING_MAP("mapping of string to scalar"),
  OBJECT("mapping"),
  OBJECT_LIST("list of mappings");

  private final String words;

  FieldType(String words) {
    this.words = words;
  }

  public String words() {
    return words;
  }

  public boolean isList() {
    return this == STRING_LIST || this == INT_LIST || this == OBJECT_LIST;
  }
}
