package io.cosbuild.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.packages.resolve.Resolution;
import io.cosbuild.packages.resolve.ResolveRequest;
import io.cosbuild.packages.testutil.TestRepos;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several requests against one fetch of the indexes (an image's root and boot sets) resolve as each would alone. */
class DebianPackagesIT {

  @Test
  void severalRequestsResolveAsEachAlone() throws Exception {
    DebianPackages.Source source = new DebianPackages.Source("bookworm", List.of("main"), null, null,
        TestRepos.cacheDir(), false, 4);
    ResolveRequest root = ResolveRequest.of("root", List.of("systemd", "containerd", "openssh-server"), "amd64");
    ResolveRequest boot = ResolveRequest.of("boot", List.of("linux-image-cloud-amd64", "busybox", "kmod"), "amd64");
    List<Resolution> both = DebianPackages.resolve(source, List.of(root, boot));
    assertEquals(2, both.size());
    assertEquals(LockFile.of(DebianPackages.resolve(source, root)).toJson(), LockFile.of(both.get(0)).toJson());
    assertEquals(LockFile.of(DebianPackages.resolve(source, boot)).toJson(), LockFile.of(both.get(1)).toJson());
    assertThrows(IllegalArgumentException.class, () -> DebianPackages.resolve(source,
        List.of(root, ResolveRequest.of("boot", List.of("busybox"), "arm64"))));
  }
}
