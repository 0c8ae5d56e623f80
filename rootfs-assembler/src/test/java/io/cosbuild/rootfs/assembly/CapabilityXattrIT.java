package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cosbuild.rootfs.testutil.FsJudges;
import io.cosbuild.spec.model.FileCapabilities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** security.permissions' capabilities: the attribute bytes are those setcap writes for the same text. */
class CapabilityXattrIT {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"cap_net_raw=ep", "cap_net_raw+p", "cap_dac_override,cap_sys_admin,cap_net_admin=ep",
      "cap_net_bind_service=+ep", "cap_bpf,cap_perfmon=eip", "cap_chown=i", "cap_setuid=ep cap_setuid-e",
      "CAP_NET_ADMIN=p cap_net_raw=i", "cap_checkpoint_restore+ep", "cap_sys_time,cap_wake_alarm,cap_syslog+eip"})
  void bytesAreSetcaps(String text) throws Exception {
    Assumptions.assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "setcap needs root");
    Path f = Files.writeString(dir.resolve("f"), "x");
    FsJudges.Out set = FsJudges.run("setcap", text, f.toString());
    assertEquals(0, set.code(), "setcap " + text + ": " + set.text());
    assertEquals(HexFormat.of().formatHex(rawValue(f)),
        HexFormat.of().formatHex(CapabilityXattr.of(FileCapabilities.parse(text)).value()), text);
  }

  /** The attribute's bytes: getfattr --only-values prints them raw. */
  private static byte[] rawValue(Path f) throws Exception {
    Process p = new ProcessBuilder("getfattr", "--only-values", "-n", "security.capability", f.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] v = p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor());
    return v;
  }
}
