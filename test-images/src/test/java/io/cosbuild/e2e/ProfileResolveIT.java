package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** `cosbuild packages resolve --profile gke` for both architectures: closure, JSON form and the image lock. */
class ProfileResolveIT {

  @TempDir Path work;

  @ParameterizedTest
  @ValueSource(strings = {"x86_64", "arm64"})
  void gkeClosureForEachArchitecture(String arch) throws Exception {
    Tools.Result text = cosbuild("packages", "resolve", "--profile", "gke", "--arch", arch);
    assertEquals(0, text.code(), text.out() + text.err());
    assertTrue(text.out().contains("containerd"), text.out());
    Path lock = work.resolve("gke-" + arch + ".lock");
    Tools.Result json = cosbuild("packages", "resolve", "--profile", "gke", "--arch", arch, "--json", "--write-lock", lock.toString());
    assertEquals(0, json.code(), json.out() + json.err());
    JsonNode j = new ObjectMapper().readTree(json.out());
    List<String> root = j.get("root").get("packages").findValuesAsText("name");
    assertTrue(root.containsAll(List.of("containerd", "runc", "systemd", "nftables", "iptables")), root.toString());
    assertFalse(root.contains("perl") || root.contains("python3"), "the profile denies them: " + root);
    List<String> boot = j.get("boot").get("packages").findValuesAsText("name");
    assertTrue(boot.containsAll(List.of("busybox-static", "dmsetup")), boot.toString());
    assertTrue(boot.stream().anyMatch(n -> n.matches("linux-image-.*-cloud-" + (arch.equals("x86_64") ? "amd64" : "arm64"))), boot.toString());
    JsonNode l = new ObjectMapper().readTree(lock.toFile());
    assertEquals(arch, l.get("arch").asText());
    assertEquals(root.size(), l.get("root").get("packages").size());
  }
}
