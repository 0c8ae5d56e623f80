package io.cosbuild.packages.deb822;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    void keepsOnlyTheFieldsAskedForAndStillChecksTheOthers() throws Exception {
        String text = """
                Package: a
                Description: short
                 long line 1
                Depends: x,
                 y
                MD5sum: 00

                Description: a paragraph with nothing kept
                """;
        List<Paragraph> ps = new ArrayList<>();
        Deb822Parser.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "kept", ps::add,
                n -> n.equals("Package") || n.equals("Depends"));
        assertEquals(1, ps.size(), "a paragraph without a kept field is not a paragraph");
        assertEquals(List.of("Package", "Depends"), ps.get(0).fieldNames());
        assertEquals("x,\ny", ps.get(0).get("Depends").orElseThrow(), "continuation of a kept field after a skipped one");
        Deb822Exception e = assertThrows(Deb822Exception.class, () -> Deb822Parser.parse(
                new ByteArrayInputStream("Package: a\nbroken line\n".getBytes(StandardCharsets.UTF_8)), "kept", p -> { },
                n -> n.equals("Package")));
        assertEquals("kept:2: expected 'Field: value', got 'broken line'", e.getMessage());
        assertThrows(Deb822Exception.class, () -> Deb822Parser.parse(
                new ByteArrayInputStream("\n continuation first\n".getBytes(StandardCharsets.UTF_8)), "kept", p -> { },
                n -> false));
    }

    @Test
    void reportsLineOfMalformedInput() {
        Deb822Exception e = assertThrows(Deb822Exception.class, () -> Deb822Parser.parse("Package: a\nno colon here\n"));
        assertEquals("<text>:2: expected 'Field: value', got 'no colon here'", e.getMessage());
        assertThrows(Deb822Exception.class, () -> Deb822Parser.parse(" continuation first\n"));
    }
}
