package io.cosbuild.rootfs.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cosbuild.rootfs.dpkg.DataArchive;
import io.cosbuild.rootfs.dpkg.InstalledPackage;
import io.cosbuild.rootfs.dpkg.PackageContent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpdxSbomWriterTest {

  static InstalledPackage pkg(String name, String version) {
    DataArchive none = () -> {
      throw new java.io.IOException("not needed");
    };
    return new InstalledPackage(new PackageContent(name, version, "amd64", "a".repeat(64), 1,
        Map.of("Package", name, "Maintainer", "Debian <d@example.org>"), List.of(), Map.of(), none), List.of(), List.of(), Map.of());
  }

  @Test
  void purlsEncodePlusSignsButNotTheEpochsColon() {
    assertEquals("pkg:deb/debian/busybox-static@1:1.35.0-4%2Bdeb12u1%2Bb1?arch=amd64&distro=debian-12",
        SpdxSbomWriter.purl(pkg("busybox-static", "1:1.35.0-4+deb12u1+b1").content(), "debian-12"));
    assertEquals("pkg:deb/debian/containerd@1.6.20~ds1-1?arch=amd64",
        SpdxSbomWriter.purl(pkg("containerd", "1.6.20~ds1-1").content(), null));
  }

  @Test
  void packageOrderDoesNotChangeTheDocument() {
    Sbom a = SpdxSbomWriter.build("img", List.of(pkg("bb", "1"), pkg("aa", "2")), "debian-12", 0);
    Sbom b = SpdxSbomWriter.build("img", List.of(pkg("aa", "2"), pkg("bb", "1")), "debian-12", 0);
    assertEquals(a.json(), b.json());
    assertEquals(List.of("pkg:deb/debian/aa@2?arch=amd64&distro=debian-12", "pkg:deb/debian/bb@1?arch=amd64&distro=debian-12"),
        a.purls());
  }

  /**
   * The values the SPDX 2.3 JSON schema (spdx-spec, schemas/spdx-schema.json) allows for
   * primaryPackagePurpose, and its actor form "Organization: name (email)" (SPDX 2.3, 7.5).
   */
  @Test
  void fieldsTakeTheFormsOfTheSpdxJsonSchema() throws Exception {
    List<String> purposes = List.of("OTHER", "INSTALL", "ARCHIVE", "FIRMWARE", "APPLICATION", "FRAMEWORK", "LIBRARY", "CONTAINER",
        "SOURCE", "DEVICE", "OPERATING_SYSTEM", "FILE");
    JsonNode doc = new ObjectMapper().readTree(SpdxSbomWriter.build("img", List.of(pkg("aa", "2")), "debian-12", 0).json());
    for (JsonNode p : doc.get("packages")) {
      assertTrue(purposes.contains(p.get("primaryPackagePurpose").asText()), p.toString());
    }
    assertEquals("OPERATING_SYSTEM", doc.get("packages").get(0).get("primaryPackagePurpose").asText());
    assertEquals("Organization: Debian (d@example.org)", doc.get("packages").get(1).get("supplier").asText());
  }
}
