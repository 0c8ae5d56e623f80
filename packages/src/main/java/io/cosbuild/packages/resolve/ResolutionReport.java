package io.cosbuild.packages.resolve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Text and JSON renderings of a {@link Resolution} (the same content). Stateless and thread-safe. */
public final class ResolutionReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResolutionReport() {
    }

    /** A table: name, version, arch, size in bytes, then totals. */
    public static String text(Resolution r) {
        int nw = 4;
        int vw = 7;
        for (ResolvedPackage p : r.packages()) {
            nw = Math.max(nw, p.pkg().name().length());
            vw = Math.max(vw, p.pkg().versionString().length());
        }
        StringBuilder sb = new StringBuilder();
        String fmt = "%-" + nw + "s  %-" + vw + "s  %-5s  %10s%n";
        sb.append(String.format(fmt, "NAME", "VERSION", "ARCH", "SIZE"));
        for (ResolvedPackage p : r.packages()) {
            sb.append(String.format(fmt, p.pkg().name(), p.pkg().versionString(), p.pkg().architecture(),
                    p.pkg().size()));
        }
        sb.append(String.format("%d packages, %d bytes to download, %d KiB installed (%s)%n", r.packages().size(),
                r.downloadSize(), r.installedSizeKiB(), r.request().arch()));
        for (String d : r.dropped()) {
            sb.append("dropped (excluded): ").append(d).append('\n');
        }
        return sb.toString();
    }

    /** JSON with keys in a fixed order. */
    public static String json(Resolution r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("origin", r.request().origin());
        root.put("arch", r.request().arch());
        List<Object> pkgs = new ArrayList<>();
        for (ResolvedPackage p : r.packages()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.pkg().name());
            m.put("version", p.pkg().versionString());
            m.put("arch", p.pkg().architecture());
            m.put("size", p.pkg().size());
            m.put("installedSizeKiB", p.pkg().installedSizeKiB());
            m.put("suite", p.pkg().suite());
            m.put("sha256", p.pkg().sha256());
            m.put("chain", p.chain());
            pkgs.add(m);
        }
        root.put("packages", pkgs);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("packages", r.packages().size());
        totals.put("downloadSize", r.downloadSize());
        totals.put("installedSizeKiB", r.installedSizeKiB());
        root.put("totals", totals);
        root.put("dropped", r.dropped());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
