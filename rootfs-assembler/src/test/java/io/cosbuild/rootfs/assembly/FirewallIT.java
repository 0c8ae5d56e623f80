package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cosbuild.rootfs.testutil.RealDebs;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated ruleset is checked by nft itself ({@code apt-get install nftables}). */
class FirewallIT {

  @TempDir Path dir;

  @Test
  void nftAcceptsTheRuleset() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("blobs"));
    FsTree t = new FirewallStep(List.of(22, 443, 10250), store, 0).apply(new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 0)).build());
    Path f = dir.resolve("nftables.conf");
    Files.write(f, ((FsNode.RegularFile) t.get(FsPath.parse(FirewallStep.FILE)).orElseThrow()).blob().readAllBytes());
    RealDebs.Result r = RealDebs.run(List.of("nft", "-c", "-f", f.toString()));
    assertEquals(0, r.code(), "nft -c rejected the ruleset (is nftables installed?):\n" + r.output());
  }
}
