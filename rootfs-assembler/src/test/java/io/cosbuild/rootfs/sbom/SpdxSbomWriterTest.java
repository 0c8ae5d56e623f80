package io.cosbuild.rootfs.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cosbuild.rootfs.dpkg.DataArchive;
import io.cosbuild.rootfs.dpkg.InstalledPackage;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.sbom.CopyrightFiles.CopyrightFile;
import io.cosbuild.rootfs.tree.FsPath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    Sbom a = SpdxSbomWriter.build("img", List.of(pkg("bb", "1"), pkg("aa", "2")), Map.of(), "debian-12", 0);
    Sbom b = SpdxSbomWriter.build("img", List.of(pkg("aa", "2"), pkg("bb", "1")), Map.of(), "debian-12", 0);
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
    JsonNode doc = new ObjectMapper().readTree(SpdxSbomWriter.build("img", List.of(pkg("aa", "2"), pkg("bb", "1")),
        copyrights(List.of(copyright("aa", "Files: *\nLicense: Expat or Less\n"))), "debian-12", 0).json());
    for (JsonNode p : doc.get("packages")) {
      assertTrue(purposes.contains(p.get("primaryPackagePurpose").asText()), p.toString());
    }
    assertEquals("OPERATING_SYSTEM", doc.get("packages").get(0).get("primaryPackagePurpose").asText());
    assertEquals("Organization: Debian (d@example.org)", doc.get("packages").get(1).get("supplier").asText());
    // hasExtractedLicensingInfos: licenseId and extractedText are required, the id is LicenseRef-[idstring].
    assertEquals(1, doc.get("hasExtractedLicensingInfos").size());
    for (JsonNode x : doc.get("hasExtractedLicensingInfos")) {
      assertTrue(x.get("licenseId").asText().matches("LicenseRef-[A-Za-z0-9.-]+"), x.toString());
      assertFalse(x.get("extractedText").asText().isBlank(), x.toString());
    }
    assertEquals("LicenseRef-Less OR MIT", doc.get("packages").get(1).get("licenseDeclared").asText());
    assertEquals("NOASSERTION", doc.get("packages").get(2).get("licenseDeclared").asText());
  }

  static final String FORMAT = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n";

  static Map.Entry<String, CopyrightFile> copyright(String pkg, String dep5Paragraphs) {
    return Map.entry(pkg + ":amd64", new CopyrightFile(FsPath.parse("/usr/share/doc/" + pkg + "/copyright"),
        FORMAT + dep5Paragraphs));
  }

  static Map<String, CopyrightFile> copyrights(List<Map.Entry<String, CopyrightFile>> entries) {
    Map<String, CopyrightFile> m = new LinkedHashMap<>();
    entries.forEach(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  static JsonNode byName(JsonNode doc, String name) {
    for (JsonNode p : doc.get("packages")) {
      if (p.get("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no package " + name);
  }

  /**
   * A short name is one LicenseRef across packages while its text is the same; packages giving it
   * different texts get one id each; packages giving none share one entry that names them.
   */
  @Test
  void licenceRefsAreSharedOnlyWhereTheTextIsTheSame() throws Exception {
    String mine = "Files: *\nLicense: Mine\n\nLicense: Mine\n Do what you like.\n";
    List<Map.Entry<String, CopyrightFile>> entries = List.of(
        copyright("aa", mine),
        copyright("bb", "Files: *\nLicense: mine and GPL-2+\n\nLicense: MINE\n Do what you like.\n"),
        copyright("cc", "Files: *\nLicense: Mine\n\nLicense: Mine\n Do what you like,\n .\n but say so.\n"),
        copyright("dd", "Files: *\nLicense: Mine or Expat\n"),
        copyright("ee", "Files: *\nLicense: public-domain\n No copyright.\n"),
        Map.entry("ff:amd64", new CopyrightFile(FsPath.parse("/usr/share/doc/ff/copyright"), "This is free text.\nGPL-2.\n")));
    List<InstalledPackage> pkgs = List.of(pkg("ff", "1"), pkg("ee", "1"), pkg("dd", "1"), pkg("cc", "1"), pkg("bb", "1"),
        pkg("aa", "1"), pkg("gg", "1"));
    Sbom sbom = SpdxSbomWriter.build("img", pkgs, copyrights(entries), "debian-12", 0);
    JsonNode doc = new ObjectMapper().readTree(sbom.json());

    String same = "LicenseRef-Mine-" + SpdxSbomWriter.sha256("Do what you like.").substring(0, 8);
    String other = "LicenseRef-Mine-" + SpdxSbomWriter.sha256("Do what you like,\n\nbut say so.").substring(0, 8);
    String none = "\"Mine\" is a licence short name in the machine-readable copyright files of these Debian packages, which "
        + "give no stand-alone License paragraph with its text: dd (/usr/share/doc/dd/copyright).";
    String noneId = "LicenseRef-Mine-" + SpdxSbomWriter.sha256(none).substring(0, 8);
    assertEquals(same, byName(doc, "aa").get("licenseDeclared").asText());
    assertEquals("GPL-2.0-or-later AND " + same, byName(doc, "bb").get("licenseDeclared").asText());
    assertEquals(other, byName(doc, "cc").get("licenseDeclared").asText());
    assertEquals(noneId + " OR MIT", byName(doc, "dd").get("licenseDeclared").asText());
    assertEquals("LicenseRef-public-domain", byName(doc, "ee").get("licenseDeclared").asText());
    assertEquals("NOASSERTION", byName(doc, "ff").get("licenseDeclared").asText());
    assertEquals("NOASSERTION", byName(doc, "gg").get("licenseDeclared").asText());
    for (JsonNode p : doc.get("packages")) {
      assertEquals("NOASSERTION", p.get("licenseConcluded").asText());
    }

    Map<String, String> infos = new TreeMap<>();
    doc.get("hasExtractedLicensingInfos").forEach(x -> infos.put(x.get("licenseId").asText(),
        x.get("name").asText() + ": " + x.get("extractedText").asText()));
    Map<String, String> expected = new TreeMap<>();
    expected.put(same, "Mine: Do what you like."); // the first spelling of the Files paragraphs (Mine, mine)
    expected.put(other, "Mine: Do what you like,\n\nbut say so.");
    expected.put(noneId, "Mine: " + none);
    expected.put("LicenseRef-public-domain", "public-domain: \"public-domain\" is a licence short name in the machine-readable "
        + "copyright files of these Debian packages, which give no stand-alone License paragraph with its text: "
        + "ee (/usr/share/doc/ee/copyright).");
    assertEquals(expected, infos);
    List<String> ids = new ArrayList<>(infos.keySet());
    List<String> inDocument = new ArrayList<>();
    doc.get("hasExtractedLicensingInfos").forEach(x -> inDocument.add(x.get("licenseId").asText()));
    assertEquals(ids, inDocument, "sorted by id");

    // Same inputs in another order: the same bytes.
    List<Map.Entry<String, CopyrightFile>> reversed = new ArrayList<>(entries);
    Collections.reverse(reversed);
    List<InstalledPackage> reversedPkgs = new ArrayList<>(pkgs);
    Collections.reverse(reversedPkgs);
    assertEquals(sbom.json(), SpdxSbomWriter.build("img", reversedPkgs, copyrights(reversed), "debian-12", 0).json());
  }
}
