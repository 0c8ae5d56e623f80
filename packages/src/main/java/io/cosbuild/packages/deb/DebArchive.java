package io.cosbuild.packages.deb;

import io.cosbuild.packages.deb822.Deb822Exception;
import io.cosbuild.packages.deb822.Deb822Parser;
import io.cosbuild.packages.deb822.Paragraph;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A Debian binary package (deb(5)): an {@code ar} archive whose members are, in order,
 * <pre>
 * debian-binary                 "2.x\n"
 * control.tar[.gz|.xz|.zst]     control, conffiles, md5sums, maintainer scripts
 * data.tar[.gz|.xz|.zst|.bz2]   the file system contents
 * </pre>
 * {@link #open} checks the members and reads the (small) control member into memory; {@link #data()} streams the
 * data member entry by entry and {@link #openDataTar()} gives it as one decompressed tar stream, without
 * unpacking anything to disk. This is the reader the build pipeline uses (through the rootfs assembler's
 * {@code DebFile}).
 *
 * <p>Immutable and thread-safe; each {@link DataReader} is a single-threaded stream the caller closes.
 */
public final class DebArchive {
    /** All control files together: they are held in memory, so a hostile package must not choose their size. */
    private static final long MAX_CONTROL_BYTES = 64L << 20;
    /** dpkg knows about a dozen control files; the names are held in memory too. */
    private static final int MAX_CONTROL_FILES = 1000;
    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-f]{32}");
    /** The data member names {@link #decompress} can read (deb(5)). */
    private static final List<String> DATA_MEMBERS =
            List.of("data.tar", "data.tar.gz", "data.tar.xz", "data.tar.zst", "data.tar.bz2");

    private final Path path;
    private final String format;
    private final Paragraph control;
    private final Map<String, byte[]> controlFiles;
    private final String dataMember;

    private DebArchive(Path path, String format, Paragraph control, Map<String, byte[]> controlFiles,
            String dataMember) {
        this.path = path;
        this.format = format;
        this.control = control;
        this.controlFiles = controlFiles;
        this.dataMember = dataMember;
    }

    /**
     * Opens a .deb, reads its control member and checks that a data member with a known compression follows.
     *
     * @throws DebFormatException naming the file when it is not a valid .deb
     * @throws IOException        when the file cannot be read
     */
    public static DebArchive open(Path path) throws IOException, DebFormatException {
        Objects.requireNonNull(path, "path");
        try (InputStream file = new BufferedInputStream(Files.newInputStream(path));
             ArArchiveInputStream ar = new ArArchiveInputStream(file)) {
            ArArchiveEntry e;
            try {
                e = ar.getNextEntry();
            } catch (IOException notAr) {
                throw new DebFormatException(path + ": not a .deb (not an ar archive: " + notAr.getMessage() + ")", notAr);
            }
            if (e == null || !e.getName().equals("debian-binary")) {
                throw new DebFormatException(path + ": not a .deb (first ar member must be debian-binary)");
            }
            String format = new String(readLimited(ar, 64, path, "debian-binary is larger than 64 bytes"),
                    StandardCharsets.US_ASCII).strip();
            if (!format.startsWith("2.")) {
                throw new DebFormatException(path + ": unsupported .deb format version '" + format + "'");
            }
            e = nextNonUnderscore(ar);
            if (e == null || !e.getName().startsWith("control.tar")) {
                throw new DebFormatException(path + ": second member must be control.tar[.gz|.xz|.zst], got "
                        + (e == null ? "end of archive" : e.getName()));
            }
            Map<String, byte[]> files = new LinkedHashMap<>();
            try (TarArchiveInputStream tar = new TarArchiveInputStream(decompress(ar, e.getName(), path))) {
                TarArchiveEntry t;
                while ((t = tar.getNextEntry()) != null) {
                    if (DataEntry.typeOf(t) != DataEntry.Type.FILE) {
                        continue;
                    }
                    String name = normalize(t.getName(), path, e.getName());
                    if (files.size() == MAX_CONTROL_FILES) {
                        throw new DebFormatException(path + ": " + e.getName() + " holds more than " + MAX_CONTROL_FILES
                                + " files; refusing the package");
                    }
                    long left = MAX_CONTROL_BYTES - files.values().stream().mapToLong(b -> b.length).sum();
                    files.put(name, readLimited(tar, left, path, "the files of " + e.getName() + " are larger than "
                            + MAX_CONTROL_BYTES + " bytes together (at " + name + "); refusing the package"));
                }
            }
            byte[] controlBytes = files.get("control");
            if (controlBytes == null) {
                throw new DebFormatException(path + ": " + e.getName() + " has no control file");
            }
            List<Paragraph> ps = Deb822Parser.parse(new String(controlBytes, StandardCharsets.UTF_8));
            if (ps.size() != 1) {
                throw new DebFormatException(path + ": control file must hold one paragraph, has " + ps.size());
            }
            e = nextNonUnderscore(ar);
            if (e == null || !e.getName().startsWith("data.tar")) {
                throw new DebFormatException(path + ": third member must be data.tar[.gz|.xz|.zst|.bz2], got "
                        + (e == null ? "end of archive" : e.getName()));
            }
            String data = e.getName();
            if (DATA_MEMBERS.stream().noneMatch(data::equals)) {
                throw new DebFormatException(path + ": unsupported member compression '" + data + "'");
            }
            return new DebArchive(path, format, ps.get(0), Collections.unmodifiableMap(files), data);
        } catch (Deb822Exception ex) {
            throw new DebFormatException(path + ": control: " + ex.getMessage(), ex);
        }
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** The {@code debian-binary} version, e.g. {@code 2.0}. */
    public String formatVersion() {
        return format;
    }

    /** The control fields. */
    public Paragraph control() {
        return control;
    }

    /** Names of the control member's files ({@code control}, {@code md5sums}, {@code postinst}...), in order. */
    public List<String> controlFileNames() {
        return List.copyOf(controlFiles.keySet());
    }

    /** A copy of one control member file's bytes, or null. */
    public byte[] controlFile(String name) {
        byte[] b = controlFiles.get(name);
        return b == null ? null : b.clone();
    }

    /** The absolute paths listed in {@code conffiles} (flags such as {@code remove-on-upgrade} dropped). */
    public List<String> conffiles() {
        byte[] b = controlFiles.get("conffiles");
        if (b == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String line : new String(b, StandardCharsets.UTF_8).split("\n")) {
            String l = line.strip();
            if (!l.isEmpty()) {
                // "/etc/x" or, since dpkg 1.20, "flag /etc/x"
                out.add(l.startsWith("/") ? l : l.substring(l.indexOf(' ') + 1).strip());
            }
        }
        return List.copyOf(out);
    }

    /** The data member's name, e.g. {@code data.tar.xz}. */
    public String dataMember() {
        return dataMember;
    }

    /** {@code md5sums}: relative path (a leading {@code ./} removed) to MD5 hex, in the file's order. */
    public Map<String, String> md5sums() throws DebFormatException {
        byte[] b = controlFiles.get("md5sums");
        Map<String, String> out = new LinkedHashMap<>();
        if (b == null) {
            return out;
        }
        for (String line : new String(b, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.length() < 35 || line.charAt(32) != ' ' || !MD5_HEX.matcher(line).region(0, 32).matches()) {
                throw new DebFormatException(path + ": md5sums: malformed line '" + line + "'");
            }
            String file = line.substring(33).strip();
            out.put(file.startsWith("./") ? file.substring(2) : file, line.substring(0, 32));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Opens the data member for streaming, entry by entry. The caller closes the reader. */
    public DataReader data() throws IOException {
        InputStream tar = openDataTar();
        return new DataReader(tar, new TarArchiveInputStream(tar), path + ":" + dataMember);
    }

    /**
     * The data member as a decompressed tar stream, read afresh from the file on each call (nothing of it is held
     * in memory). Entry names are as the package wrote them: the caller checks them. Closing the stream closes the
     * file.
     *
     * @throws IOException when the file can no longer be read or no longer holds the data member
     */
    public InputStream openDataTar() throws IOException {
        InputStream file = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        boolean ok = false;
        try {
            ArArchiveInputStream ar = new ArArchiveInputStream(file);
            ArArchiveEntry e;
            while ((e = ar.getNextEntry()) != null) {
                if (e.getName().equals(dataMember)) {
                    InputStream data = new BufferedInputStream(decompress(ar, dataMember, path), 1 << 16) {
                        @Override
                        public void close() throws IOException {
                            try {
                                super.close();
                            } finally {
                                ar.close();
                            }
                        }
                    };
                    ok = true;
                    return data;
                }
            }
            throw new IOException(path + ": the data member " + dataMember + " is gone; the file changed");
        } catch (DebFormatException unknownCompression) {
            throw new IOException(unknownCompression.getMessage(), unknownCompression); // checked at open
        } finally {
            if (!ok) {
                file.close();
            }
        }
    }

    /**
     * Streams the entries of {@code data.tar}: {@link #next()} moves to the next entry, {@link #content()} reads
     * the current regular file's bytes. Entry names are normalized ({@code ./usr/bin/x} becomes
     * {@code usr/bin/x}, directories keep no trailing slash); names that escape the root are refused.
     *
     * <p>Not thread-safe. The caller closes it; that closes the file.
     */
    public static final class DataReader implements Closeable {
        private final Closeable file;
        private final TarArchiveInputStream tar;
        private final String source;

        DataReader(Closeable file, TarArchiveInputStream tar, String source) {
            this.file = file;
            this.tar = tar;
            this.source = source;
        }

        /** The next entry with its normalized path, or null at the end. */
        public DataEntry next() throws IOException, DebFormatException {
            TarArchiveEntry e = tar.getNextEntry();
            if (e == null) {
                return null;
            }
            String name = normalize(e.getName(), null, source);
            if (e.isLink() || e.isSymbolicLink()) {
                if (e.getLinkName() == null || e.getLinkName().isEmpty()) {
                    throw new DebFormatException(source + ": link " + name + " has no target");
                }
            }
            if (e.isLink()) {
                normalize(e.getLinkName(), null, source); // hard links must stay inside the tree
            }
            return new DataEntry(name, e);
        }

        /** The current entry's content; valid until {@link #next()}. Do not close it. */
        public InputStream content() {
            return new FilterInputStream(tar) {
                @Override
                public void close() {
                    // the archive stays open: closing an entry must not end the stream
                }
            };
        }

        @Override
        public void close() throws IOException {
            try {
                tar.close();
            } finally {
                file.close();
            }
        }
    }

    /**
     * One data entry.
     *
     * @param path  normalized relative path ({@code ""} for the root directory)
     * @param entry the tar header (type, mode, owner, mtime, size, link target)
     */
    public record DataEntry(String path, TarArchiveEntry entry) {
        /** What an entry is; tar's own {@code isFile()} is also true for links and devices, so use this. */
        public enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO }

        /** The entry's type. */
        public Type type() {
            return typeOf(entry);
        }

        static Type typeOf(TarArchiveEntry e) {
            if (e.isSymbolicLink()) {
                return Type.SYMLINK;
            } else if (e.isLink()) {
                return Type.HARDLINK;
            } else if (e.isDirectory()) {
                return Type.DIRECTORY;
            } else if (e.isCharacterDevice()) {
                return Type.CHAR_DEVICE;
            } else if (e.isBlockDevice()) {
                return Type.BLOCK_DEVICE;
            } else if (e.isFIFO()) {
                return Type.FIFO;
            }
            return Type.FILE;
        }
    }

    private static ArArchiveEntry nextNonUnderscore(ArArchiveInputStream ar) throws IOException {
        ArArchiveEntry e;
        do {
            e = ar.getNextEntry(); // deb(5): members starting with '_' may be inserted and are ignored
        } while (e != null && e.getName().startsWith("_"));
        return e;
    }

    static InputStream decompress(InputStream in, String member, Path path) throws IOException, DebFormatException {
        InputStream shield = new FilterInputStream(in) {
            @Override
            public void close() {
                // the ar stream stays open
            }
        };
        if (member.endsWith(".tar")) {
            return shield;
        } else if (member.endsWith(".tar.gz")) {
            return new GzipCompressorInputStream(shield);
        } else if (member.endsWith(".tar.xz")) {
            return new XZInputStream(shield);
        } else if (member.endsWith(".tar.zst")) {
            return new com.github.luben.zstd.ZstdInputStream(shield);
        } else if (member.endsWith(".tar.bz2")) {
            return new BZip2CompressorInputStream(shield);
        }
        throw new DebFormatException(path + ": unsupported member compression '" + member + "'");
    }

    /** {@code ./a/b/} becomes {@code a/b}; absolute names and {@code ..} are refused. */
    static String normalize(String name, Path path, String member) throws DebFormatException {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        if (n.equals(".")) {
            n = "";
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.startsWith("/")) {
            n = n.substring(1);
        }
        for (String part : n.split("/")) {
            if (part.equals("..")) {
                throw new DebFormatException((path == null ? "" : path + ": ") + member + ": entry '" + name
                        + "' escapes the root; refusing the package");
            }
        }
        return n;
    }

    /** Reads all of {@code in}, at most {@code limit} bytes; beyond that, fails with {@code tooLarge}. */
    private static byte[] readLimited(InputStream in, long limit, Path path, String tooLarge)
            throws IOException, DebFormatException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int r;
        long n = 0;
        while ((r = in.read(buf)) > 0) {
            n += r;
            if (n > limit) {
                throw new DebFormatException(path + ": " + tooLarge);
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }
}
