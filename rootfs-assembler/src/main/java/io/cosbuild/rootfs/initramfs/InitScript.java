package io.cosbuild.rootfs.initramfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Renders the initramfs {@code /init} (a busybox {@code sh} script) for a {@link BootPlan}: the
 * template {@code init.sh} beside this class with a generated block of shell variables. Every
 * value comes from a validated record, so none needs quoting beyond the single quotes written
 * here. Stateless and thread-safe.
 */
public final class InitScript {

  private static final String TEMPLATE = load();

  private InitScript() {}

  /**
   * The script text.
   *
   * @param modulePaths modules to {@code insmod} in this order, relative to {@code /lib/modules/<release>/}
   */
  public static String render(BootPlan plan, List<String> modulePaths) {
    for (String p : modulePaths) {
      if (!p.matches("[A-Za-z0-9._/+-]+")) {
        throw new IllegalArgumentException("module path " + p + " has characters the init cannot take");
      }
    }
    StringBuilder c = new StringBuilder();
    c.append("# Generated from the boot plan.\n");
    var("MODULES", String.join(" ", modulePaths), c);
    var("ROOT_FSTYPE", plan.rootFsType(), c);
    var("ON_CORRUPTION", plan.onCorruption().tableArg(), c);
    var("STATELESS_ETC", plan.statelessEtc() ? "1" : "0", c);
    var("FORMAT_STATE", plan.formatState() ? "1" : "0", c);
    var("TMPFS", String.join(" ", plan.tmpfs()), c);
    var("STATEFUL", String.join(" ", plan.stateful()), c);
    var("NOEXEC", String.join(" ", plan.noexec()), c);
    var("EXEC_ALLOWED", String.join(" ", plan.execAllowed()), c);
    var("STATE_DIRS", String.join(" ", plan.stateDirectories()), c);
    var("INIT", plan.init(), c);
    return TEMPLATE.replace("@@CONFIG@@", c.toString().strip());
  }

  private static void var(String name, String value, StringBuilder out) {
    if (value.contains("'")) {
      throw new IllegalArgumentException(name + " must not contain a single quote");
    }
    out.append(name).append("='").append(value).append("'\n");
  }

  private static String load() {
    try (InputStream in = InitScript.class.getResourceAsStream("init.sh")) {
      if (in == null) {
        throw new IllegalStateException("init.sh template missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
