package io.cosbuild.packages.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DebianVersionTest {
    @Test
    void parsesEpochUpstreamRevision() {
        DebianVersion v = DebianVersion.parse("2:1.2.3-4+deb12u1");
        assertEquals(2, v.epoch());
        assertEquals("1.2.3", v.upstream());
        assertEquals("4+deb12u1", v.revision());
        assertEquals("2:1.2.3-4+deb12u1", v.toString());
        DebianVersion dashes = DebianVersion.parse("1.0-beta-2");
        assertEquals("1.0-beta", dashes.upstream());
        assertEquals("2", dashes.revision());
    }

    @Test
    void refusesMalformedVersions() {
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.parse(""));
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.parse("a:1.0"));
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.parse("1.0-"));
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.parse("1.0 2"));
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.parse("1.0-a_b"));
    }

    /** The order deb-version(7) gives as its example: "~~", "~~a", "~", the empty part, "a". */
    @Test
    void tildeSortsBeforeEverythingEvenTheEnd() {
        List<String> manual = List.of("1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a");
        List<DebianVersion> shuffled = new ArrayList<>(manual.stream().map(DebianVersion::parse).toList());
        Collections.shuffle(shuffled, new Random(42));
        Collections.sort(shuffled);
        assertEquals(manual, shuffled.stream().map(DebianVersion::toString).toList());
    }

    @Test
    void epochDominatesAndZeroEpochOrRevisionIsNeutral() {
        assertTrue(DebianVersion.parse("1:0.1").compareTo(DebianVersion.parse("9.9")) > 0);
        assertEquals(0, DebianVersion.parse("0:1.0").compareTo(DebianVersion.parse("1.0")));
        assertEquals(0, DebianVersion.parse("1.0-0").compareTo(DebianVersion.parse("1.0")));
        assertEquals(0, DebianVersion.parse("1.007").compareTo(DebianVersion.parse("1.7")));
        assertTrue(DebianVersion.parse("1.10").compareTo(DebianVersion.parse("1.9")) > 0);
        assertTrue(DebianVersion.parse("1.0+b1").compareTo(DebianVersion.parse("1.0.1")) < 0, "non-letters sort by ASCII: '+' before '.'");
    }
}
