package io.cosbuild.rootfs.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cosbuild.rootfs.testutil.SpdxJudge;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The licence syntax of copyright-format 1.0 (section 7.2) and the short-name table (section 7.1). */
class LicenseSynopsisTest {

  /** One synopsis as the SBOM writes it; LicenseRefs named after the short name; NOASSERTION if refused. */
  static String spdx(String synopsis) {
    Optional<SpdxExpression> e = LicenseSynopsis.parse(synopsis, k -> null);
    if (e.isEmpty()) {
      return "NOASSERTION";
    }
    LicenseRefs refs = new LicenseRefs();
    e.get().refs().forEach(r -> refs.add(r, "test"));
    return e.get().render(refs::id);
  }

  static void check(Map<String, String> synopsisToSpdx) {
    Map<String, String> actual = new LinkedHashMap<>();
    synopsisToSpdx.keySet().forEach(s -> actual.put(s, spdx(s)));
    assertEquals(synopsisToSpdx, actual);
  }

  @Test
  void andBindsTighterThanOrUnlessACommaPrecedesIt() {
    Map<String, String> m = new LinkedHashMap<>();
    // The specification's examples: "A or B and C" is A or (B and C); "A or B, and C" is (A or B) and C.
    m.put("GPL-2 or Expat and ISC", "(ISC AND MIT) OR GPL-2.0-only");
    m.put("GPL-2 or Expat, and ISC", "(GPL-2.0-only OR MIT) AND ISC");
    m.put("GPL-2+ or Artistic-2.0, and BSD-3-clause", "(Artistic-2.0 OR GPL-2.0-or-later) AND BSD-3-Clause");
    m.put("GPL-2 and Expat, or ISC", "(GPL-2.0-only AND MIT) OR ISC");
    m.put("GPL-2 and Expat or ISC", "(GPL-2.0-only AND MIT) OR ISC");
    m.put("Zlib, and GPL-2 or Expat", "(GPL-2.0-only OR MIT) AND Zlib");
    m.put("GPL-2+, or Expat", "GPL-2.0-or-later OR MIT");
    m.put("MPL-1.1 or GPL-2 or LGPL-2.1", "GPL-2.0-only OR LGPL-2.1-only OR MPL-1.1");
    // Conjunctions without regard to case; repeated operands once.
    m.put("GPL-2 OR Expat AND ISC", "(ISC AND MIT) OR GPL-2.0-only");
    m.put("libpng OR Apache-2.0 OR BSD-3-clause", "Apache-2.0 OR BSD-3-Clause OR LicenseRef-libpng");
    m.put("Expat and ISC and Expat", "ISC AND MIT");
    m.put("Expat and Expat or ISC", "ISC OR MIT"); // an AND left with one operand needs no parentheses
    m.put("GPL-2 and ISC or ISC and GPL-2", "GPL-2.0-only AND ISC");
    m.put("  GPL-2+   or\tExpat  ", "GPL-2.0-or-later OR MIT");
    // Not the syntax: a bare comma list, parentheses, a dangling conjunction, two names, "and/or".
    m.put("GPL-2+, BSD-3-clause", "NOASSERTION");
    m.put("(GPL-2 or Expat) and ISC", "NOASSERTION");
    m.put("GPL-2 or", "NOASSERTION");
    m.put(", and GPL-2", "NOASSERTION");
    m.put("BSD (3 clause)", "NOASSERTION");
    m.put("GPL-2 and/or Expat", "NOASSERTION");
    m.put("", "NOASSERTION");
    check(m);
  }

  @Test
  void exceptionsMapOnlyWhereOneSpdxExceptionIsMeant() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("GPL-3+ with Bison exception", "GPL-3.0-or-later WITH Bison-exception-2.2");
    m.put("GPL-2+ with Libtool exception", "GPL-2.0-or-later WITH Libtool-exception");
    m.put("GPL-2+ with LibTool exception", "GPL-2.0-or-later WITH Libtool-exception");
    m.put("GPL-2 with Linux-syscall-note exception", "GPL-2.0-only WITH Linux-syscall-note");
    m.put("GPL-2 WITH Linux-syscall-note", "GPL-2.0-only WITH Linux-syscall-note");
    m.put("GPL-2+ with Font exception", "GPL-2.0-or-later WITH Font-exception-2.0");
    m.put("GPL-2 with Classpath exception", "GPL-2.0-only WITH Classpath-exception-2.0");
    m.put("GPL-3+ with GCC-Runtime-3.1 exception", "GPL-3.0-or-later WITH GCC-exception-3.1");
    m.put("GPL-3+ with GCC runtime library exception", "GPL-3.0-or-later WITH GCC-exception-3.1");
    m.put("Apache-2.0 with LLVM exception", "Apache-2.0 WITH LLVM-exception");
    m.put("Apache-2.0 with LLVM exception or MIT", "Apache-2.0 WITH LLVM-exception OR LicenseRef-MIT");
    // Debian's "Autoconf exception" is the generic one, not SPDX's Autoconf-exception-2.0 or 3.0.
    m.put("GPL-2+ with Autoconf exception", "LicenseRef-GPL-2--with-Autoconf-exception");
    m.put("GPL-3+ with Autoconf-data exception", "LicenseRef-GPL-3--with-Autoconf-data-exception");
    // Bison's GPL-2 exception (1.24) is another text; OpenSSL's has no SPDX id; nor has an unknown licence.
    m.put("GPL-2+ with Bison exception", "LicenseRef-GPL-2--with-Bison-exception");
    m.put("GPL-2+ with OpenSSL exception", "LicenseRef-GPL-2--with-OpenSSL-exception");
    m.put("LGPL-2.1+ with Font exception", "LicenseRef-LGPL-2.1--with-Font-exception");
    m.put("Less with Font exception", "LicenseRef-Less-with-Font-exception");
    // An exception keyword of several words needs the final "exception".
    m.put("GPL-3+ with GCC runtime library", "NOASSERTION");
    m.put("GPL-2+ with exception", "NOASSERTION");
    check(m);
  }

  @Test
  void shortNamesMapAsTheFormatDefinesThem() {
    Map<String, String> m = new LinkedHashMap<>();
    // No version: the lowest; trailing .0s do not count; + is "or any later version".
    m.put("GPL", "GPL-1.0-only");
    m.put("GPL+", "GPL-1.0-or-later");
    m.put("GPL-1+", "GPL-1.0-or-later");
    m.put("GPL-2", "GPL-2.0-only");
    m.put("GPL-2.0", "GPL-2.0-only");
    m.put("GPL-2.0+", "GPL-2.0-or-later");
    m.put("gpl-3+", "GPL-3.0-or-later");
    m.put("GPL-3.0.0", "GPL-3.0-only");
    m.put("LGPL", "LGPL-2.0-only");
    m.put("LGPL-2+", "LGPL-2.0-or-later");
    m.put("LGPL-2.1+", "LGPL-2.1-or-later");
    m.put("LGPL-3", "LGPL-3.0-only");
    m.put("AGPL-3+", "AGPL-3.0-or-later");
    m.put("GFDL-1.2+", "GFDL-1.2-or-later");
    m.put("GFDL-1.3", "GFDL-1.3-only");
    m.put("GFDL-NIV-1.3+", "GFDL-1.3-no-invariants-or-later");
    m.put("GFDL", "LicenseRef-GFDL"); // "1.0" does not exist
    m.put("Apache", "Apache-1.0");
    m.put("Apache-2", "Apache-2.0");
    m.put("Apache-2.0+", "LicenseRef-Apache-2.0-"); // SPDX "+" on a non-GNU id: not understood by the judge
    m.put("Artistic", "Artistic-1.0-Perl"); // "Perl" is "GPL-1+ or Artistic-1"
    m.put("Artistic-2.0", "Artistic-2.0");
    m.put("Perl", "Artistic-1.0-Perl OR GPL-1.0-or-later");
    m.put("BSD-2-clause", "BSD-2-Clause");
    m.put("BSD-3-Clause", "BSD-3-Clause");
    m.put("BSD-4-clause", "BSD-4-Clause");
    m.put("BSD-3-clause+", "LicenseRef-BSD-3-clause-");
    m.put("Expat", "MIT");
    m.put("MIT", "LicenseRef-MIT"); // the format gives MIT no meaning (use Expat "when it matches")
    m.put("ISC", "ISC");
    m.put("Zlib", "Zlib");
    m.put("CC0", "CC0-1.0");
    m.put("CC0-1.0", "CC0-1.0");
    m.put("CC-BY-SA-3.0", "CC-BY-SA-3.0");
    m.put("CC-BY-4.0", "CC-BY-4.0");
    m.put("CC-BY-NC-ND-2.5", "CC-BY-NC-ND-2.5");
    m.put("CDDL", "CDDL-1.0");
    m.put("CPL", "CPL-1.0");
    m.put("EFL-2", "EFL-2.0");
    m.put("LPPL-1.3c", "LPPL-1.3c");
    m.put("MPL", "MPL-1.1");
    m.put("MPL-2.0", "MPL-2.0");
    m.put("Python", "Python-2.0");
    m.put("QPL", "QPL-1.0");
    m.put("W3C", "W3C");
    m.put("Zope", "LicenseRef-Zope"); // ZPL 1.0 is not on the SPDX list
    m.put("Zope-2.1", "ZPL-2.1");
    m.put("public-domain", "LicenseRef-public-domain");
    m.put("GPL-2.0-or-later", "LicenseRef-GPL-2.0-or-later"); // an SPDX id is no short name
    check(m);
  }

  /** Every id the table can write is on the SPDX License List the judge carries, and not deprecated. */
  @Test
  void everyIdOfTheTableIsOnTheSpdxList() throws Exception {
    Map<String, Boolean> ids = SpdxLicenseTable.ids();
    SpdxJudge.Verdict v = SpdxJudge.ids(ids);
    assertEquals(List.of(), v.problems());
    assertEquals(ids.size(), v.checked());
  }
}
