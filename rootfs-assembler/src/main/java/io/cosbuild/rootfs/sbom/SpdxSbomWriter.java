package io.cosbuild.rootfs.sbom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cosbuild.rootfs.dpkg.InstalledPackage;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.sbom.CopyrightFiles.CopyrightFile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds an SPDX 2.3 JSON SBOM: one package for the image ({@code primaryPackagePurpose}
 * OPERATING_SYSTEM) that CONTAINS one package per installed Debian package, each with its version,
 * the {@code .deb}'s SHA-256, its supplier (Maintainer), source package, and a purl
 * ({@code pkg:deb/debian/<name>@<version>?arch=<arch>&distro=<distro>}, with the version
 * percent-encoded as the purl spec asks). Creation time is the source date epoch and the namespace
 * is derived from the content, so the same inputs give the same bytes. Stateless and thread-safe.
 *
 * <p>{@code licenseDeclared} is what the package's machine-readable copyright file declares: the AND of
 * the licences of its header and Files paragraphs, mapped to SPDX ids ({@link SpdxLicenseTable}), short
 * names without one as {@code LicenseRef-}s described in {@code hasExtractedLicensingInfos}
 * ({@link LicenseRefs}). It is {@code NOASSERTION} when the package has no copyright file
 * ({@link CopyrightFiles}), or one that is not copyright-format 1.0, or one whose licence fields do not
 * follow that format ({@link DebianCopyright}, {@link LicenseSynopsis}). {@code licenseConcluded} is
 * always {@code NOASSERTION}: cosbuild concludes nothing.
 */
public final class SpdxSbomWriter {

  private SpdxSbomWriter() {}

  /**
   * @param imageName the image (profile) name
   * @param copyrights the packages' copyright files by {@link CopyrightFiles#key} (see {@link CopyrightFiles#read})
   * @param distro the purl distro qualifier, e.g. {@code debian-12}, or {@code null} to omit it
   */
  public static Sbom build(String imageName, List<InstalledPackage> installed, Map<String, CopyrightFile> copyrights,
      String distro, long epoch) {
    List<PackageContent> pkgs = new ArrayList<>(installed.stream().map(InstalledPackage::content).toList());
    pkgs.sort(Comparator.comparing(PackageContent::name).thenComparing(PackageContent::architecture));
    LicenseRefs refs = new LicenseRefs();
    List<Optional<SpdxExpression>> declared = new ArrayList<>();
    for (PackageContent p : pkgs) {
      CopyrightFile c = copyrights.get(CopyrightFiles.key(p));
      Optional<SpdxExpression> e = c == null ? Optional.empty() : DebianCopyright.parse(c.text()).flatMap(DebianCopyright::declared);
      e.ifPresent(x -> x.refs().forEach(r -> refs.add(r, p.name() + " (" + c.path() + ")")));
      declared.add(e);
    }
    StringBuilder identity = new StringBuilder(imageName).append('\n').append(epoch).append('\n');
    pkgs.forEach(p -> identity.append(p.name()).append(' ').append(p.version()).append(' ')
        .append(p.architecture()).append(' ').append(p.sha256()).append('\n'));
    String digest = sha256(identity.toString());
    String namespace = "https://cosbuild.io/spdx/" + slug(imageName) + "-" + digest;

    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode doc = m.createObjectNode();
    doc.put("spdxVersion", "SPDX-2.3");
    doc.put("dataLicense", "CC0-1.0");
    doc.put("SPDXID", "SPDXRef-DOCUMENT");
    doc.put("name", imageName);
    doc.put("documentNamespace", namespace);
    ObjectNode ci = doc.putObject("creationInfo");
    ci.put("created", Instant.ofEpochSecond(epoch).toString());
    ci.putArray("creators").add("Tool: cosbuild");
    ArrayNode packages = doc.putArray("packages");
    ObjectNode image = packages.addObject();
    image.put("SPDXID", "SPDXRef-Image");
    image.put("name", imageName);
    image.put("downloadLocation", "NOASSERTION");
    image.put("filesAnalyzed", false);
    image.put("primaryPackagePurpose", "OPERATING_SYSTEM"); // JSON spells the tag-value OPERATING-SYSTEM with '_'
    image.put("licenseConcluded", "NOASSERTION");
    image.put("licenseDeclared", "NOASSERTION");
    image.put("copyrightText", "NOASSERTION");
    ArrayNode rel = m.createArrayNode();
    rel.addObject().put("spdxElementId", "SPDXRef-DOCUMENT").put("relationshipType", "DESCRIBES")
        .put("relatedSpdxElement", "SPDXRef-Image");
    List<String> purls = new ArrayList<>();
    for (int i = 0; i < pkgs.size(); i++) {
      PackageContent p = pkgs.get(i);
      String id = "SPDXRef-Package-deb-" + slug(p.name()) + "-" + slug(p.architecture());
      String purl = purl(p, distro);
      purls.add(purl);
      ObjectNode o = packages.addObject();
      o.put("SPDXID", id);
      o.put("name", p.name());
      o.put("versionInfo", p.version());
      String maintainer = p.field("Maintainer");
      o.put("supplier", maintainer == null ? "NOASSERTION" : supplier(maintainer));
      o.put("downloadLocation", "NOASSERTION");
      o.put("filesAnalyzed", false);
      o.putArray("checksums").addObject().put("algorithm", "SHA256").put("checksumValue", p.sha256());
      String source = p.field("Source");
      o.put("sourceInfo", "built package from: " + (source == null ? p.name() : source.strip()));
      o.put("licenseConcluded", "NOASSERTION");
      o.put("licenseDeclared", declared.get(i).map(e -> e.render(refs::id)).orElse("NOASSERTION"));
      o.put("copyrightText", "NOASSERTION");
      o.putArray("externalRefs").addObject().put("referenceCategory", "PACKAGE-MANAGER")
          .put("referenceType", "purl").put("referenceLocator", purl);
      o.put("primaryPackagePurpose", "APPLICATION");
      rel.addObject().put("spdxElementId", "SPDXRef-Image").put("relationshipType", "CONTAINS")
          .put("relatedSpdxElement", id);
    }
    if (!refs.extracted().isEmpty()) {
      ArrayNode infos = doc.putArray("hasExtractedLicensingInfos");
      for (LicenseRefs.Extracted x : refs.extracted()) {
        infos.addObject().put("licenseId", x.licenseId()).put("name", x.name()).put("extractedText", x.text());
      }
    }
    doc.set("relationships", rel);
    try {
      return new Sbom(namespace, purls, m.writeValueAsString(doc) + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * SPDX's actor form of a Debian Maintainer: {@code Name <mail>} becomes {@code Organization: Name (mail)},
   * the e-mail in parentheses as SPDX 2.3 (7.5) writes it.
   */
  static String supplier(String maintainer) {
    String m = maintainer.strip();
    int lt = m.lastIndexOf('<');
    if (lt >= 0 && m.endsWith(">")) {
      m = m.substring(0, lt).strip() + " (" + m.substring(lt + 1, m.length() - 1).strip() + ")";
    }
    return "Organization: " + m;
  }

  /** {@code pkg:deb/debian/name@version?arch=a&distro=d}; the version is percent-encoded. */
  public static String purl(PackageContent p, String distro) {
    return "pkg:deb/debian/" + p.name() + "@" + encode(p.version()) + "?arch=" + p.architecture()
        + (distro == null ? "" : "&distro=" + encode(distro));
  }

  /**
   * purl percent-encoding: unreserved characters and the colon stay (the purl specification's character
   * encoding: a colon is never encoded, separator or not), everything else ('+' of Debian versions) is.
   */
  static String encode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '~'
          || c == ':') {
        sb.append(c);
      } else {
        sb.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return sb.toString();
  }

  static String slug(String s) {
    return s.replaceAll("[^A-Za-z0-9.-]", "-");
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
