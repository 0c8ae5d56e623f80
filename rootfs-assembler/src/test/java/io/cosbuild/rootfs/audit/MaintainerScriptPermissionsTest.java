package io.cosbuild.rootfs.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cosbuild.rootfs.dpkg.DataArchive;
import io.cosbuild.rootfs.dpkg.InstalledPackage;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lines of bookworm's own postinsts (abridged) that set rights cosbuild has to be told about. */
class MaintainerScriptPermissionsTest {

  private static final String DBUS = """
      LAUNCHER=/usr/lib/dbus-1.0/dbus-daemon-launch-helper
      if [ "$1" = configure ]; then
          # This respects $DPKG_ROOT
          if ! dpkg-statoverride --list "$LAUNCHER" >/dev/null; then
              dpkg-statoverride --update --add root "$MESSAGEUSER" 4754 "$LAUNCHER"
          fi
      fi
      """;
  private static final String IPUTILS_PING = """
      PROGRAM=$(dpkg-divert --truename /bin/ping)
      if command -v setcap > /dev/null; then
          if setcap cap_net_raw+ep $PROGRAM; then
              chmod u-s $PROGRAM
          else
              echo "Setcap failed on $PROGRAM, falling back to setuid" >&2
              chmod u+s $PROGRAM
          fi
      else
          chmod u+s $PROGRAM
      fi
      """;
  private static final String IPROUTE2 = """
      if command -v setcap > /dev/null; then
          if test "$RET" = "true"; then
              if ! setcap "cap_dac_override,cap_sys_admin,cap_net_admin=ep" /bin/ip; then
                 echo "Setcap failed on /bin/ip, ip vrf exec will not be runnable by non-root" >&2
              fi
          else
              # setcap -r fails if the xattr is not present
              if getcap /bin/ip | grep -qs "/bin/ip"; then
                  if ! setcap "-r" /bin/ip; then
      """;
  private static final String OPENSSH_CLIENT = """
      if ! dpkg-statoverride --list /usr/bin/ssh-agent >/dev/null; then
          chgrp _ssh /usr/bin/ssh-agent
          chmod 2755 /usr/bin/ssh-agent
      fi
      """;
  private static final String CA_CERTIFICATES = """
      # e.g. dpkg-statoverride --add root staff 2775 /usr/local/share/ca-certificates
      elif ! dpkg-statoverride --list /usr/local/share/ca-certificates >/dev/null; then
          chmod $(stat -L -c %a /usr/local) /usr/local/share/ca-certificates || true
          chmod 0755 /usr/local/share/ca-certificates
      """;

  @Test
  void findsTheCommandsThatGiveRights() {
    assertEquals(List.of("dpkg-statoverride --update --add root \"$MESSAGEUSER\" 4754 \"$LAUNCHER\""),
        MaintainerScriptPermissions.find(DBUS));
    assertEquals(List.of("if setcap cap_net_raw+ep $PROGRAM; then", "chmod u+s $PROGRAM", "chmod u+s $PROGRAM"),
        MaintainerScriptPermissions.find(IPUTILS_PING));
    assertEquals(List.of("if ! setcap \"cap_dac_override,cap_sys_admin,cap_net_admin=ep\" /bin/ip; then"),
        MaintainerScriptPermissions.find(IPROUTE2));
    assertEquals(List.of("chmod 2755 /usr/bin/ssh-agent"), MaintainerScriptPermissions.find(OPENSSH_CLIENT));
    assertEquals(List.of(), MaintainerScriptPermissions.find(CA_CERTIFICATES), "a comment, --list and plain modes");
  }

  @Test
  void theAuditNamesThePackageUnlessTheProfileDeclaredOneOfItsFiles() throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 0));
    var tree = b.build();
    FsPath ip = FsPath.parse("/usr/bin/ip");
    List<InstalledPackage> pkgs = List.of(pkg("iproute2", IPROUTE2, ip), pkg("openssh-client", OPENSSH_CLIENT,
        FsPath.parse("/usr/bin/ssh-agent")), pkg("base-files", "#!/bin/sh\nchmod 1777 /tmp\nchmod 2775 /var/mail\n", FsPath.parse("/var/mail")));
    assertEquals(List.of("base-files: postinst: chmod 2775 /var/mail",
        "iproute2: postinst: if ! setcap \"cap_dac_override,cap_sys_admin,cap_net_admin=ep\" /bin/ip; then",
        "openssh-client: postinst: chmod 2755 /usr/bin/ssh-agent"),
        Auditor.audit(tree, pkgs, List.of(), Set.of()).findings().get(AuditCheck.MAINTAINER_PERMISSIONS));
    // A file or a directory the package ships, named in security.permissions: the package is taken as handled.
    assertEquals(List.of("openssh-client: postinst: chmod 2755 /usr/bin/ssh-agent"), Auditor.audit(tree, pkgs, List.of(),
        Set.of(ip, FsPath.parse("/var/mail")), Set.of()).findings().get(AuditCheck.MAINTAINER_PERMISSIONS));
  }

  private static InstalledPackage pkg(String name, String postinst, FsPath file) {
    DataArchive none = () -> {
      throw new java.io.IOException("not needed");
    };
    return new InstalledPackage(new PackageContent(name, "1.0", "amd64", "a".repeat(64), 1, Map.of("Package", name),
        List.of(), Map.of(), none, Map.of("postinst", postinst)), List.of(file.value()), List.of(file), Map.of());
  }
}
