package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.TreeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Enables systemd units as {@code systemctl enable} would, without running it: reads each unit's
 * {@code [Install]} section and creates {@code /etc/systemd/system/<target>.wants/<unit>} (and
 * {@code .requires/}) symlinks for {@code WantedBy=} / {@code RequiredBy=}, alias links for
 * {@code Alias=}, and enables the units named by {@code Also=}. A unit that does not exist, or
 * has nothing to enable, is refused. Immutable and thread-safe.
 */
public final class SystemdUnitsStep {

  private static final String ORIGIN = "systemd units";
  static final List<String> UNIT_DIRS = List.of("/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system");

  private final List<String> units;
  private final long epoch;

  public SystemdUnitsStep(List<String> units, long epoch) {
    this.units = List.copyOf(units);
    this.epoch = epoch;
  }

  public FsTree apply(FsTree tree) throws AssemblyException {
    FsTreeBuilder b = tree.toBuilder();
    Deque<String> todo = new ArrayDeque<>(units);
    Set<String> done = new HashSet<>();
    while (!todo.isEmpty()) {
      String unit = todo.pollFirst();
      if (!unit.matches("[A-Za-z0-9:_.@\\\\-]+\\.(service|socket|timer|path|target|mount|automount|swap|slice)")) {
        throw new AssemblyException("systemd units: '" + unit + "' is not a unit name (e.g. containerd.service)");
      }
      if (!done.add(unit)) {
        continue;
      }
      String fileName = unit;
      String instance = null;
      int at = unit.indexOf('@');
      if (at > 0 && unit.lastIndexOf('.') > at + 1) {
        instance = unit.substring(at + 1, unit.lastIndexOf('.'));
        fileName = unit.substring(0, at + 1) + unit.substring(unit.lastIndexOf('.'));
      }
      FsPath file = find(b, fileName);
      String text = TreeEdits.readText(tree, file).orElseThrow();
      Install install = Install.parse(text);
      if (install.wantedBy.isEmpty() && install.requiredBy.isEmpty() && install.alias.isEmpty() && install.also.isEmpty()) {
        throw new AssemblyException("systemd units: " + unit + " (" + file + ") has no [Install] section, so it cannot be"
            + " enabled (it is static or started by another unit); remove it from the profile's units");
      }
      String linkName = unit;
      if (at > 0 && instance == null && (!install.wantedBy.isEmpty() || !install.requiredBy.isEmpty())) {
        // Enabling "foo@.service" enables its default instance, as systemctl does.
        if (install.defaultInstance == null) {
          throw new AssemblyException("systemd units: " + unit + " is a template without DefaultInstance=; name an"
              + " instance, e.g. " + unit.substring(0, at + 1) + "name" + unit.substring(unit.lastIndexOf('.')));
        }
        linkName = unit.substring(0, at + 1) + install.defaultInstance + unit.substring(unit.lastIndexOf('.'));
      }
      for (String t : install.wantedBy) {
        TreeEdits.symlink(b, FsPath.parse("/etc/systemd/system/" + t + ".wants/" + linkName), file.value(), epoch, ORIGIN);
      }
      for (String t : install.requiredBy) {
        TreeEdits.symlink(b, FsPath.parse("/etc/systemd/system/" + t + ".requires/" + linkName), file.value(), epoch, ORIGIN);
      }
      for (String alias : install.alias) {
        TreeEdits.symlink(b, FsPath.parse("/etc/systemd/system/" + alias), file.value(), epoch, ORIGIN);
      }
      todo.addAll(install.also);
    }
    return b.build();
  }

  private static FsPath find(FsTreeBuilder b, String fileName) throws AssemblyException {
    for (String dir : UNIT_DIRS) {
      try {
        Optional<FsPath> p = b.resolve(FsPath.parse(dir + "/" + fileName));
        if (p.isPresent()) {
          return p.get();
        }
      } catch (TreeException e) {
        throw new AssemblyException("systemd units: " + fileName + ": " + e.getMessage(), e);
      }
    }
    throw new AssemblyException("systemd units: no unit file " + fileName + " in " + UNIT_DIRS
        + "; add the package that ships it or drop it from the profile");
  }

  /** The parts of a unit's [Install] section that enabling uses. */
  private static final class Install {
    final List<String> wantedBy = new ArrayList<>();
    final List<String> requiredBy = new ArrayList<>();
    final List<String> alias = new ArrayList<>();
    final List<String> also = new ArrayList<>();
    String defaultInstance;

    static Install parse(String text) {
      Install in = new Install();
      boolean inInstall = false;
      for (String raw : text.lines().toList()) {
        String line = raw.strip();
        if (line.startsWith("[")) {
          inInstall = line.equals("[Install]");
          continue;
        }
        if (!inInstall || line.isEmpty() || line.startsWith("#") || line.startsWith(";") || !line.contains("=")) {
          continue;
        }
        String key = line.substring(0, line.indexOf('=')).strip();
        List<String> values = List.of(line.substring(line.indexOf('=') + 1).strip().split("\\s+"));
        values = values.stream().filter(v -> !v.isEmpty()).toList();
        switch (key) {
          case "WantedBy" -> in.wantedBy.addAll(values);
          case "RequiredBy" -> in.requiredBy.addAll(values);
          case "Alias" -> in.alias.addAll(values);
          case "Also" -> in.also.addAll(values);
          case "DefaultInstance" -> in.defaultInstance = values.isEmpty() ? null : values.get(0);
          default -> { }
        }
      }
      return in;
    }
  }
}
