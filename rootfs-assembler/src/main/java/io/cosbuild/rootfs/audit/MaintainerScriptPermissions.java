package io.cosbuild.rootfs.audit;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the lines of a maintainer script that give files rights beyond their packaged mode: {@code setcap},
 * {@code chmod} to a setuid or setgid mode, {@code dpkg-statoverride --add}. cosbuild runs no maintainer script,
 * so the profile has to declare what the image needs of these (security.permissions). A reading of shell text,
 * not a shell: a command built in a variable is missed, and a line in a branch that would not run is found.
 */
final class MaintainerScriptPermissions {

  private static final Pattern COMMAND = Pattern.compile(
      "(?<![\\w-])setcap\\s+[\"']?(cap_|\\$)"                                  // setcap cap_net_raw+ep $PROGRAM
          + "|(?<![\\w-])chmod\\s+(-\\S+\\s+)*([ugoa]*[+=][rwxXt]*s"            // chmod u+s, chmod g=rxs
          + "|(?<![0-7])0?[2-7][0-7]{3}(?![0-7]))"                              // chmod 2755, chmod 04755
          + "|(?<![\\w-])dpkg-statoverride\\s.*--add\\b");                      // dpkg-statoverride --update --add

  private MaintainerScriptPermissions() {}

  /** The matching lines, trimmed, comments left out. */
  static List<String> find(String script) {
    return script.lines().map(String::strip)
        .filter(l -> !l.startsWith("#") && COMMAND.matcher(l).find())
        .toList();
  }
}
