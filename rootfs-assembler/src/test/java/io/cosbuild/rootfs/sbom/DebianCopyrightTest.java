package io.cosbuild.rootfs.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Real copyright files of Debian 12 packages (copied by scripts/gen-copyright-fixtures; versions in
 * copyright/SOURCES) and the licences they declare. Each expected expression was written by reading the
 * file: its Files paragraphs' License synopses, ANDed, with copyright-format 1.0's short names mapped.
 */
class DebianCopyrightTest {

  static String fixture(String pkg) throws IOException {
    try (InputStream in = DebianCopyrightTest.class.getResourceAsStream("copyright/" + pkg)) {
      if (in == null) {
        throw new IOException("no fixture copyright/" + pkg + " (scripts/gen-copyright-fixtures)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The declared licence as the SBOM writes it for a document holding only this file. */
  static String declared(String text) {
    Optional<SpdxExpression> e = DebianCopyright.parse(text).flatMap(DebianCopyright::declared);
    if (e.isEmpty()) {
      return "NOASSERTION";
    }
    LicenseRefs refs = new LicenseRefs();
    e.get().refs().forEach(r -> refs.add(r, "test"));
    return e.get().render(refs::id);
  }

  @Test
  void realCopyrightFilesDeclareTheirLicences() throws IOException {
    Map<String, String> expected = new TreeMap<>();
    // GPL-3+ with Bison exception (y.tab.*), GFDL-NIV-1.3 (the manual), "BSD-4-clause-UC and MIT-like".
    expected.put("bash", "GFDL-1.3-no-invariants-only AND GPL-2.0-or-later AND GPL-3.0-or-later"
        + " AND GPL-3.0-or-later WITH Bison-exception-2.2 AND LicenseRef-BSD-4-clause-UC AND LicenseRef-Latex2e"
        + " AND LicenseRef-MIT-like AND LicenseRef-permissive");
    expected.put("coreutils", "GFDL-1.3-no-invariants-only AND GPL-3.0-or-later AND ISC AND LicenseRef-BSD-4-clause-UC"
        + " AND LicenseRef-FSFULLR");
    // Autoconf-data is no SPDX exception; Libtool's is; OLDAP-2.8 and X11 are no copyright-format short names.
    expected.put("curl", "BSD-3-Clause AND GPL-2.0-or-later WITH Libtool-exception AND ISC AND LicenseRef-BSD-4-Clause-UC"
        + " AND LicenseRef-FSFULLR AND LicenseRef-GPL-2--with-Autoconf-data-exception"
        + " AND LicenseRef-GPL-3--with-Autoconf-data-exception AND LicenseRef-OLDAP-2.8 AND LicenseRef-X11 AND LicenseRef-curl");
    // "GPL-2+ or AFL-2.1, and Expat and Tcl-BSDish": the comma makes the "or" bind first.
    expected.put("dbus", "(GPL-2.0-or-later OR LicenseRef-AFL-2.1) AND BSD-3-Clause AND GPL-2.0-or-later"
        + " AND LGPL-2.1-or-later AND LicenseRef-BSD-3-clause-generic AND LicenseRef-FSF-unlimited-permission"
        + " AND LicenseRef-GPL-2--with-Autoconf-exception AND LicenseRef-Tcl-BSDish"
        + " AND LicenseRef-autoconf-archive-permissive AND LicenseRef-g10-permissive AND MIT");
    // "GPL-3+ or Less, and X11"
    expected.put("less", "(GPL-3.0-or-later OR LicenseRef-Less) AND LicenseRef-Spencer-86 AND LicenseRef-X11"
        + " AND LicenseRef-public-domain");
    // Free text, not the machine-readable format.
    expected.put("libc6", "NOASSERTION");
    // The header's License: is prose without a synopsis: it names no licence, the Files paragraphs do.
    expected.put("liblzma5", "GPL-2.0-only AND GPL-2.0-or-later AND LGPL-2.1-or-later AND LicenseRef-Autoconf"
        + " AND LicenseRef-PD AND LicenseRef-PD-debian AND LicenseRef-config-h AND LicenseRef-noderivs AND LicenseRef-none"
        + " AND LicenseRef-permissive-fsf AND LicenseRef-permissive-nowarranty AND LicenseRef-probably-PD");
    // Format: without the final slash.
    expected.put("libonig5", "BSD-2-Clause AND GPL-2.0-or-later");
    // Format: a DEP-5 draft, not 1.0.
    expected.put("libslirp0", "NOASSERTION");
    expected.put("libssl3", "(Artistic-1.0-Perl OR GPL-1.0-or-later) AND Apache-2.0");
    // "GPL-1+ or Artistic" 165 times; "REGCOMP, and GPL-1+ or Artistic"; ZLIB in capitals; Artistic-dist alone.
    expected.put("perl-base", "(Artistic-1.0-Perl OR GPL-1.0-or-later OR LicenseRef-Artistic-dist)"
        + " AND (Artistic-1.0-Perl OR GPL-1.0-or-later OR MIT) AND (Artistic-1.0-Perl OR GPL-1.0-or-later)"
        + " AND (Artistic-1.0-Perl OR GPL-2.0-or-later) AND Artistic-1.0-Perl AND BSD-3-Clause AND CC0-1.0"
        + " AND LicenseRef-Artistic-dist AND LicenseRef-BSD-3-clause-GENERIC AND LicenseRef-BSD-3-clause-with-weird-numbering"
        + " AND LicenseRef-BSD-4-clause-POWERDOG AND LicenseRef-BZIP AND LicenseRef-DONT-CHANGE-THE-GPL"
        + " AND LicenseRef-GPL-3--WITH-BISON-EXCEPTION AND LicenseRef-REGCOMP AND LicenseRef-RRA-KEEP-THIS-NOTICE"
        + " AND LicenseRef-SDBM-PUBLIC-DOMAIN AND LicenseRef-TEXT-TABS AND LicenseRef-Unicode AND MIT AND Zlib");
    // "GPL-2 with Linux-syscall-note exception"; Expat is MIT.
    expected.put("systemd", "CC0-1.0 AND GPL-2.0-only WITH Linux-syscall-note AND GPL-2.0-or-later AND LGPL-2.1-or-later"
        + " AND LicenseRef-public-domain AND MIT");
    expected.put("tzdata", "LicenseRef-public-domain");
    // LGPL without a version is the Library GPL 2.0; MIT is no copyright-format short name.
    expected.put("util-linux", "BSD-3-Clause AND BSD-4-Clause AND GPL-2.0-only AND GPL-2.0-or-later AND GPL-3.0-or-later"
        + " AND LGPL-2.0-only AND LGPL-2.0-or-later AND LGPL-2.1-or-later AND LGPL-3.0-or-later AND LicenseRef-BSLA"
        + " AND LicenseRef-MIT AND LicenseRef-public-domain");
    expected.put("zlib1g", "Zlib");

    Map<String, String> actual = new TreeMap<>();
    for (String pkg : expected.keySet()) {
      actual.put(pkg, declared(fixture(pkg)));
    }
    assertEquals(expected, actual);
  }

  @Test
  void standaloneLicenseParagraphsGiveTheTexts() throws IOException {
    DebianCopyright bash = DebianCopyright.parse(fixture("bash")).orElseThrow();
    String mitLike = bash.texts().get("mit-like");
    assertTrue(mitLike.startsWith("* Permission to use, copy, modify, and distribute this software for any\n"), mitLike);
    DebianCopyright utilLinux = DebianCopyright.parse(fixture("util-linux")).orElseThrow();
    String pd = utilLinux.texts().get("public-domain");
    assertTrue(pd.startsWith("The files tagged with this license contains the following paragraphs:\n\nNo copyright is claimed."), pd);
    // tzdata's only paragraph that names public-domain is a Files paragraph: no stand-alone text.
    assertEquals(Map.of(), DebianCopyright.parse(fixture("tzdata")).orElseThrow().texts());
  }

  @Test
  void formatLinesNameVersionOneZeroOverHttpOrHttpsWithOrWithoutTheSlash() {
    String rest = "\n\nFiles: *\nCopyright: 2024 Someone\nLicense: Expat\n";
    for (String format : new String[] {"https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
        "http://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
        "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0",
        "http://www.debian.org/doc/packaging-manuals/copyright-format/1.0"}) {
      assertEquals("MIT", declared("Format: " + format + rest), format);
    }
    for (String other : new String[] {"Format: http://dep.debian.net/deps/dep5",
        "Format: http://svn.debian.org/wsvn/dep/web/deps/dep5.mdwn?op=file&rev=174",
        "Format-Specification: http://svn.debian.org/wsvn/dep/web/deps/dep5.mdwn?op=file&rev=135",
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/2.0/"}) {
      assertEquals("NOASSERTION", declared(other + rest), other);
    }
  }

  @Test
  void malformedFilesAssertNothing() {
    String header = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n";
    // No Files paragraph; a Files paragraph without a licence; a licence twice in one paragraph;
    // a line that is no field; an empty synopsis; a synopsis that is not the syntax.
    for (String body : new String[] {"License: Expat\n text\n", "Files: *\nCopyright: x\n",
        "Files: *\nLicense: Expat\nLicense: ISC\n", "Files: *\nthis is prose\nLicense: Expat\n",
        "Files: *\nLicense:\n Some text.\n", "Files: *\nLicense: BSD (3 clause)\n", "Files: *\nLicense: GPL-2+, BSD-3-clause\n"}) {
      assertEquals("NOASSERTION", declared(header + body), body);
    }
  }

  @Test
  void theHeaderLicenceCountsAndFieldNamesIgnoreCase() {
    String text = "format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nLICENSE: GPL-2+\r\n\r\n"
        + "FILES: *\nlicense: Expat\n   \nFiles: debian/*\nLicense: GPL-2+\n";
    assertEquals("GPL-2.0-or-later AND MIT", declared(text));
    String prose = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nLicense:\n A summary.\n\n"
        + "Files: *\nLicense: Expat\n";
    assertEquals("MIT", declared(prose));
  }
}
