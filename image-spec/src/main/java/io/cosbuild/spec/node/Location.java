package io.cosbuild.spec.node;

/** Where a value was written: file, 1-based line and column. Immutable. */
public record Location(String file, int line, int column) {

  public static final Location BUILT_IN = new Location("(built-in default)", 0, 0);

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ":" + column : file;
  }
}
