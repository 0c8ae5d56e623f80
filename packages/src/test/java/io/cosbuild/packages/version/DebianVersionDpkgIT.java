package io.cosbuild.packages.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.repo.PackageRecord;
import io.cosbuild.packages.testutil.TestRepos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our version order against the real {@code dpkg --compare-versions} on version pairs from the real index. */
class DebianVersionDpkgIT {
    @Test
    void agreesWithDpkgOnThousandsOfRealPairs(@TempDir Path tmp) throws Exception {
        TreeSet<String> distinct = new TreeSet<>();
        for (PackageRecord r : TestRepos.index("amd64").candidates()) {
            distinct.add(r.versionString());
        }
        List<String> versions = new ArrayList<>(distinct);
        // Neighbours in our order are the most telling pairs; random pairs catch gross errors.
        List<DebianVersion> parsed = new ArrayList<>(versions.stream().map(DebianVersion::parse).toList());
        parsed.sort(null);
        List<String[]> pairs = new ArrayList<>();
        Random rnd = new Random(1);
        for (int i = 0; i < 3000; i++) {
            int k = rnd.nextInt(parsed.size() - 1);
            pairs.add(new String[] {parsed.get(k).toString(), parsed.get(k + 1).toString()});
        }
        for (int i = 0; i < 1000; i++) {
            pairs.add(new String[] {versions.get(rnd.nextInt(versions.size())), versions.get(rnd.nextInt(versions.size()))});
        }
        for (String[] p : List.of(new String[] {"1.0~rc1", "1.0"}, new String[] {"1:1.0", "2.0"},
                new String[] {"1.0-0", "1.0"}, new String[] {"1.0a", "1.0+"}, new String[] {"1.0~~", "1.0~"})) {
            pairs.add(p);
        }
        StringBuilder in = new StringBuilder();
        for (String[] p : pairs) {
            in.append(p[0]).append(' ').append(p[1]).append('\n');
        }
        Path input = tmp.resolve("pairs");
        Files.writeString(input, in);
        String script = "while read a b; do if dpkg --compare-versions \"$a\" lt \"$b\"; then echo -1; "
                + "elif dpkg --compare-versions \"$a\" eq \"$b\"; then echo 0; else echo 1; fi; done < " + input;
        Process proc = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), out);
        String[] dpkg = out.strip().split("\n");
        assertEquals(pairs.size(), dpkg.length, "one dpkg answer per pair");
        int mismatches = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < pairs.size(); i++) {
            int ours = Integer.signum(DebianVersion.parse(pairs.get(i)[0]).compareTo(DebianVersion.parse(pairs.get(i)[1])));
            int ref = Integer.parseInt(dpkg[i].strip());
            if (ours != ref) {
                mismatches++;
                report.append(pairs.get(i)[0]).append(" vs ").append(pairs.get(i)[1]).append(": dpkg ").append(ref)
                        .append(", ours ").append(ours).append('\n');
            }
        }
        assertTrue(pairs.size() >= 4000);
        assertEquals(0, mismatches, report.toString());
    }
}
