package io.cosbuild.packages.relation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.version.DebianVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelationsTest {
    @Test
    void parsesAlternativesVersionsQualifiersAndRestrictions() {
        List<RelationGroup> gs = Relations.parse(
                "libc6 (>= 2.34), python3:any (<< 3.12~) | perl, foo [amd64 arm64] <!nocheck>, bar (> 1), ");
        assertEquals(4, gs.size());
        Relation libc = gs.get(0).alternatives().get(0);
        assertEquals("libc6", libc.name());
        assertEquals(VersionOp.GE, libc.op());
        assertEquals(DebianVersion.parse("2.34"), libc.version());
        Relation py = gs.get(1).alternatives().get(0);
        assertEquals("any", py.archQualifier());
        assertEquals(VersionOp.LT, py.op());
        assertEquals("perl", gs.get(1).alternatives().get(1).name());
        Relation foo = gs.get(2).alternatives().get(0);
        assertEquals(List.of("amd64", "arm64"), foo.archList());
        assertTrue(foo.appliesTo("arm64"));
        assertFalse(foo.appliesTo("i386"));
        assertNull(foo.op());
        assertEquals(VersionOp.GE, gs.get(3).alternatives().get(0).op(), "obsolete '>' means '>='");
    }

    @Test
    void versionMatching() {
        Relation r = Relations.parse("a (<< 2.0)").get(0).alternatives().get(0);
        assertTrue(r.versionMatches(DebianVersion.parse("2.0~rc1")));
        assertFalse(r.versionMatches(DebianVersion.parse("2.0")));
        Relation neg = Relations.parse("a [!amd64]").get(0).alternatives().get(0);
        assertFalse(neg.appliesTo("amd64"));
        assertTrue(neg.appliesTo("arm64"));
    }

    @Test
    void refusesMalformedRelations() {
        assertThrows(IllegalArgumentException.class, () -> Relations.parse("a (>= 1.0"));
        assertThrows(IllegalArgumentException.class, () -> Relations.parse("a (~= 1.0)"));
        assertThrows(IllegalArgumentException.class, () -> Relations.parse("a b"));
    }
}
