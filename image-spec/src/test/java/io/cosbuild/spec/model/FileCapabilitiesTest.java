package io.cosbuild.spec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** setcap's text form; the bytes it makes are compared with setcap's own in rootfs-assembler's CapabilityXattrIT. */
class FileCapabilitiesTest {

  private static final long NET_ADMIN = 1L << 12;
  private static final long NET_RAW = 1L << 13;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cap_net_raw=ep                          | cap_net_raw=ep",
      "cap_net_raw+ep                          | cap_net_raw=ep",
      "CAP_NET_RAW+EP                          | cap_net_raw=ep",
      "cap_net_admin,cap_net_raw+p             | cap_net_admin,cap_net_raw=p",
      "cap_net_bind_service=+ep                | cap_net_bind_service=ep",
      "cap_bpf,cap_perfmon=eip                 | cap_perfmon,cap_bpf=eip",
      "cap_chown=i                             | cap_chown=i",
      "cap_setuid=ep cap_setuid-e              | cap_setuid=p",
      "'  cap_net_raw=p   cap_net_admin=i  '   | cap_net_raw=p cap_net_admin=i",
      "cap_checkpoint_restore+ep               | cap_checkpoint_restore=ep"})
  void parsesSetcapsForms(String text, String canonical) {
    FileCapabilities c = FileCapabilities.parse(text);
    assertEquals(canonical, c.toString());
    assertEquals(c, FileCapabilities.parse(c.toString()), "the canonical form reads back");
  }

  @org.junit.jupiter.api.Test
  void setsTheBitsTheKernelNumbers() {
    assertEquals(new FileCapabilities(NET_ADMIN | NET_RAW, 0, true), FileCapabilities.parse("cap_net_admin,cap_net_raw=ep"));
    assertEquals(new FileCapabilities(1L << 40, 1L << 40, false), FileCapabilities.parse("cap_checkpoint_restore=ip"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cap_net_raw                      | has no operator",
      "cap_foo=ep                       | 'cap_foo' is not a capability name",
      "all=ep                           | does not take 'all'",
      "=ep                              | does not take an empty list or 'all'",
      "cap_net_raw+                     | '+' needs flags",
      "cap_net_raw=ex                   | 'x' is not a flag",
      "cap_net_raw+p cap_net_admin+ep   | effective flag covers all",
      "cap_net_raw=                     | leaves no permitted or inheritable capability",
      "''                               | no capabilities given"})
  void refusesWhatSetcapRefusesOrWhatDependsOnTheHost(String text, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FileCapabilities.parse(text));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
