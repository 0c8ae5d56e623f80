package io.cosbuild.spec.node;

/**
 * A file that is not well-formed YAML or JSON, or uses YAML the profile format refuses; the message
 * starts with file:line:column. {@link #field()} names the field at fault, empty when unknown.
 */
public class NodeSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Location location;
  private final String field;

  public NodeSyntaxException(Location location, String message) {
    this(location, "", message);
  }

  public NodeSyntaxException(Location location, String field, String message) {
    super(location + ": " + (field.isEmpty() ? "" : field + ": ") + message);
    this.location = location;
    this.field = field;
  }

  public Location location() {
    return location;
  }

  public String field() {
    return field;
  }

  /** The message without the location and field prefix. */
  public String problem() {
    return getMessage().substring(location.toString().length() + 2 + (field.isEmpty() ? 0 : field.length() + 2));
  }
}
