package io.cosbuild.rootfs.assembly;

/**
 * The sshd settings cosbuild writes: the profile's {@code security.ssh}. Keyboard-interactive
 * logins and empty passwords stay off whatever the profile says (they are password logins by
 * another name). Immutable.
 *
 * @param port the port sshd listens on
 * @param permitRootLogin whether root may log in (by key: the image has no passwords)
 * @param passwordAuthentication whether sshd accepts passwords
 */
public record SshPolicy(int port, boolean permitRootLogin, boolean passwordAuthentication) {

  public SshPolicy {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("ssh port " + port + " is outside 1..65535");
    }
  }

  /** Port 22, public keys only, no root login. */
  public static SshPolicy strict() {
    return new SshPolicy(22, false, false);
  }
}
