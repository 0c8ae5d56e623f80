package io.cosbuild.packages.version;

import java.util.Objects;

/**
 * A Debian package version {@code [epoch:]upstream_version[-debian_revision]}, ordered as dpkg orders it
 * (deb-version(7)): epochs numerically, then upstream and revision by dpkg's alternating non-digit/digit
 * comparison in which {@code ~} sorts before everything, even the end of the string, and letters sort before
 * other characters.
 *
 * <p>Immutable and thread-safe. {@link #compareTo} is consistent with dpkg, not with {@link #equals}: {@code 1.0}
 * and {@code 1.0-0} compare equal, as they do in dpkg, but are different records.
 *
 * @param epoch    the epoch, 0 when absent
 * @param upstream the upstream version, starting with a digit (dpkg only warns otherwise, so we accept any
 *                 non-empty value of allowed characters)
 * @param revision the Debian revision, empty when absent
 */
public record DebianVersion(int epoch, String upstream, String revision) implements Comparable<DebianVersion> {

    public DebianVersion {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(revision, "revision");
        if (epoch < 0) {
            throw new IllegalArgumentException("negative epoch in version: " + epoch);
        }
        if (upstream.isEmpty()) {
            throw new IllegalArgumentException("empty upstream version");
        }
        for (int i = 0; i < upstream.length(); i++) {
            char c = upstream.charAt(i);
            if (!isAlnum(c) && ".+~-:".indexOf(c) < 0) {
                throw new IllegalArgumentException("invalid character '" + c + "' in upstream version " + upstream);
            }
        }
        for (int i = 0; i < revision.length(); i++) {
            char c = revision.charAt(i);
            if (!isAlnum(c) && ".+~".indexOf(c) < 0) {
                throw new IllegalArgumentException("invalid character '" + c + "' in revision " + revision);
            }
        }
    }

    /**
     * Parses a version string.
     *
     * @throws IllegalArgumentException if it is not a valid Debian version (message names the version)
     */
    public static DebianVersion parse(String text) {
        Objects.requireNonNull(text, "version");
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty version string");
        }
        int epoch = 0;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            String e = s.substring(0, colon);
            if (e.isEmpty() || !e.chars().allMatch(Character::isDigit) || e.length() > 9) {
                throw new IllegalArgumentException("invalid epoch in version '" + text + "'");
            }
            epoch = Integer.parseInt(e);
            s = s.substring(colon + 1);
        }
        String revision = "";
        int dash = s.lastIndexOf('-');
        if (dash >= 0) {
            revision = s.substring(dash + 1);
            s = s.substring(0, dash);
            if (revision.isEmpty()) {
                throw new IllegalArgumentException("empty revision in version '" + text + "'");
            }
        }
        try {
            return new DebianVersion(epoch, s, revision);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in version '" + text + "')", e);
        }
    }

    @Override
    public int compareTo(DebianVersion other) {
        int c = Integer.compare(epoch, other.epoch);
        if (c != 0) {
            return c;
        }
        c = compareFragment(upstream, other.upstream);
        if (c != 0) {
            return c;
        }
        return compareFragment(revision, other.revision);
    }

    /** dpkg's verrevcmp: alternate non-digit runs (by {@link #order}) and digit runs (numerically). */
    static int compareFragment(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !isDigit(a.charAt(i))) || (j < b.length() && !isDigit(b.charAt(j)))) {
                int ac = i < a.length() ? order(a.charAt(i)) : 0;
                int bc = j < b.length() ? order(b.charAt(j)) : 0;
                if (ac != bc) {
                    return ac - bc;
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            while (i < a.length() && isDigit(a.charAt(i)) && j < b.length() && isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }

    /** Sort weight of a non-digit character: '~' lowest, then end of string (0), letters, then the rest. */
    private static int order(char c) {
        if (isDigit(c)) {
            return 0;
        } else if (isAlpha(c)) {
            return c;
        } else if (c == '~') {
            return -1;
        } else {
            return c + 256;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAlnum(char c) {
        return isDigit(c) || isAlpha(c);
    }

    /** The canonical text: epoch only when non-zero, revision only when non-empty. */
    @Override
    public String toString() {
        return (epoch != 0 ? epoch + ":" : "") + upstream + (revision.isEmpty() ? "" : "-" + revision);
    }
}
