package io.cosbuild.packages.deb822;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Parses deb822 text (deb822(5)): paragraphs separated by blank lines, {@code Name: value} fields,
 * continuation lines starting with a space or tab, {@code #} comment lines (outside values) ignored.
 *
 * <p>Stateless and thread-safe. Streams are read to their end and not closed.
 */
public final class Deb822Parser {
    private Deb822Parser() {
    }

    /** Parses all paragraphs of a string. */
    public static List<Paragraph> parse(String text) throws Deb822Exception {
        List<Paragraph> out = new ArrayList<>();
        try {
            parse(new StringReader(text), "<text>", out::add);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Streams the paragraphs of UTF-8 input to {@code sink}; does not close {@code in}. */
    public static void parse(InputStream in, String source, Consumer<Paragraph> sink)
            throws IOException, Deb822Exception {
        parse(new InputStreamReader(in, StandardCharsets.UTF_8), source, sink);
    }

    /** Streams the paragraphs of {@code reader} to {@code sink}; {@code source} names the input in errors. */
    public static void parse(Reader reader, String source, Consumer<Paragraph> sink)
            throws IOException, Deb822Exception {
        BufferedReader r = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
        Map<String, String> fields = new LinkedHashMap<>();
        String lastKey = null;
        StringBuilder lastValue = null;
        int lineNo = 0;
        String line;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                if (lastKey != null) {
                    fields.put(lastKey, lastValue.toString());
                    lastKey = null;
                }
                if (!fields.isEmpty()) {
                    sink.accept(new Paragraph(fields));
                    fields = new LinkedHashMap<>();
                }
                continue;
            }
            char first = line.charAt(0);
            if (first == '#') {
                continue;
            }
            if (first == ' ' || first == '\t') {
                if (lastKey == null) {
                    throw new Deb822Exception(source + ":" + lineNo + ": continuation line without a field");
                }
                lastValue.append('\n').append(line.substring(1));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new Deb822Exception(source + ":" + lineNo + ": expected 'Field: value', got '"
                        + abbreviate(line) + "'");
            }
            if (lastKey != null) {
                fields.put(lastKey, lastValue.toString());
            }
            lastKey = line.substring(0, colon);
            lastValue = new StringBuilder(line.substring(colon + 1).strip());
        }
        if (lastKey != null) {
            fields.put(lastKey, lastValue.toString());
        }
        if (!fields.isEmpty()) {
            sink.accept(new Paragraph(fields));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
