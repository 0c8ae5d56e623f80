package io.cosbuild.packages.deb822;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class Deb822ParserTest {
    @Test
    void parsesParagraphsContinuationsAndComments() throws Exception {
        List<Paragraph> ps = Deb822Parser.parse("""
                # comment
                Package: a
                Description: short
                 long line 1
                 .
                
                
                package: b
                Depends: x,
                 y
                """);
        assertEquals(2, ps.size());
        assertEquals("short\nlong line 1\n.", ps.get(0).get("description").orElseThrow());
        assertEquals("b", ps.get(1).get("Package").orElseThrow());
        assertEquals("x,\ny", ps.get(1).get("Depends").orElseThrow());
    }

    @Test
    void reportsLineOfMalformedInput() {
        Deb822Exception e = assertThrows(Deb822Exception.class, () -> Deb822Parser.parse("Package: a\nno colon here\n"));
        assertEquals("<text>:2: expected 'Field: value', got 'no colon here'", e.getMessage());
        assertThrows(Deb822Exception.class, () -> Deb822Parser.parse(" continuation first\n"));
    }
}
