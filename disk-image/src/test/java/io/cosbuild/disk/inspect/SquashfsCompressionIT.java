package io.cosbuild.disk.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cosbuild.disk.Tools;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code disk inspect} says of a squashfs image's compression is what unsquashfs -s says of mksquashfs's. */
class SquashfsCompressionIT {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"-comp gzip", "-comp gzip -Xcompression-level 5", "-comp zstd -Xcompression-level 19",
      "-comp xz", "-comp xz -Xbcj x86,arm", "-comp xz -Xdict-size 50%", "-comp lz4", "-comp lz4 -Xhc"})
  void compressionAsUnsquashfsReportsIt(String options) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("a"), "hello\n".repeat(1000));
    Path img = dir.resolve("img.sqfs");
    List<String> cmd = new ArrayList<>(List.of("mksquashfs", src.toString(), img.toString(), "-noappend", "-quiet",
        "-no-progress"));
    cmd.addAll(List.of(options.split(" ")));
    Tools.run(cmd.toArray(String[]::new));
    String stat = Tools.run("unsquashfs", "-s", img.toString());
    StringBuilder expected = new StringBuilder(find(stat, "Compression (\\w+)"));
    String level = find(stat, "compression-level (\\d+)");
    if (level != null) {
      expected.append(", level ").append(level);
    }
    String dictionary = find(stat, "Dictionary size (\\d+)");
    if (dictionary != null) {
      expected.append(", dictionary ").append(dictionary);
    }
    String filters = find(stat, "Filters selected: (.+)");
    if (filters != null) {
      expected.append(", filters ").append(filters);
    }
    if (stat.contains("High Compression option specified")) {
      expected.append(", high compression");
    }
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ)) {
      FilesystemInfo info = FilesystemInfo.probe(ch, 0, ch.size());
      assertEquals("squashfs", info.type());
      assertEquals(expected.toString(), info.compression(), stat);
    }
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1).strip() : null;
  }
}
