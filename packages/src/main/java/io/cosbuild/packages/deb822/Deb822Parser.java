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
import java.util.function.Predicate;

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
        parse(reader, source, sink, name -> true);
    }

    /**
     * Streams the paragraphs of UTF-8 input to {@code sink} with only the fields {@code keep} accepts (by name as
     * written): the others, and their continuation lines, are checked for form but never built into values, which
     * is most of the text of a Packages index (descriptions, checksums, maintainers). Does not close {@code in}.
     */
    public static void parse(InputStream in, String source, Consumer<Paragraph> sink, Predicate<String> keep)
            throws IOException, Deb822Exception {
        parse(new InputStreamReader(in, StandardCharsets.UTF_8), source, sink, keep);
    }

    private static void parse(Reader reader, String source, Consumer<Paragraph> sink, Predicate<String> keep)
            throws IOException, Deb822Exception {
        BufferedReader r = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
        Map<String, String> fields = new LinkedHashMap<>();
        String lastKey = null; // the field being read, or null when it is not kept
        boolean inField = false; // whether a field (kept or not) is open for continuation lines
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
                inField = false;
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
                if (!inField) {
                    throw new Deb822Exception(source + ":" + lineNo + ": continuation line without a field");
                }
                if (lastKey != null) {
                    lastValue.append('\n').append(line, 1, line.length());
                }
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
            inField = true;
            String key = line.substring(0, colon);
            if (keep.test(key)) {
                lastKey = key;
                lastValue = new StringBuilder(line.substring(colon + 1).strip());
            } else {
                lastKey = null;
            }
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
