package io.cosbuild.spec.node;

/** A file that is not well-formed YAML or JSON; the message starts with file:line:column. */
public class NodeSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Location location;

  public NodeSyntaxException(Location location, String message) {
    super(location + ": " + message);
    this.location = location;
  }

  public Location location() {
    return location;
  }
}
