package io.cosbuild.rootfs.tree;

/** Two sources want different content at one path; carries both so the message can name them. */
public class PathConflictException extends TreeException {
  private static final long serialVersionUID = 1L;

  private final FsPath path;
  private final String existingOrigin;
  private final String newOrigin;

  public PathConflictException(FsPath path, String existingOrigin, String newOrigin, String detail) {
    super(path + ": " + newOrigin + " conflicts with " + existingOrigin + " (" + detail + ")");
    this.path = path;
    this.existingOrigin = existingOrigin;
    this.newOrigin = newOrigin;
  }

  public FsPath path() {
    return path;
  }

  public String existingOrigin() {
    return existingOrigin;
  }

  public String newOrigin() {
    return newOrigin;
  }
}
