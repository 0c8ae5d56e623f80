package io.cosbuild.rootfs.tree;

/** Two sources want different content at one path; carries both so the message can name them. */
public class PathConflictException extends TreeException {
  private static final long serialVersionUID = 1L;

  private final FsPath path;
  private final String existingOrigin;
  private final String newOrigin;

  public PathConflictException(FsPath path, String existingOrigin, String newOrigin, String detail) {
    super(message(path, existingOrigin, newOrigin, detail));
    this.path = path;
    this.existingOrigin = existingOrigin;
    this.newOrigin = newOrigin;
  }

  /**
   * One source with two entries for a path (an archive appended to with {@code tar -r}) is said so: tools
   * disagree on which entry wins, so neither is taken.
   */
  private static String message(FsPath path, String existingOrigin, String newOrigin, String detail) {
    if (existingOrigin.equals(newOrigin)) {
      return path + ": " + newOrigin + " has two different entries for it (" + detail
          + "); tar extracts the later, mksquashfs keeps the first: leave one of them in";
    }
    return path + ": " + newOrigin + " conflicts with " + existingOrigin + " (" + detail + ")";
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
