package io.cosbuild.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cosbuild.spec.node.Location;
import io.cosbuild.spec.node.Node;
import io.cosbuild.spec.node.NodeReader;
import io.cosbuild.spec.node.NodeSyntaxException;
import io.cosbuild.spec.node.Utf8Text;
import io.cosbuild.spec.schema.ProfileSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds profiles by name in a search path (or takes a file path), reads YAML or JSON, resolves
 * {@code extends} (parents merged in order, cycles refused), validates the result against the
 * schema and binds it to an {@link io.cosbuild.spec.model.ImageProfile}. Reads files only; no other
 * I/O. Thread-safe.
 */
public final class ProfileLoader {

  private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");

  private final List<Path> searchPath;

  public ProfileLoader(List<Path> searchPath) {
    this.searchPath = List.copyOf(searchPath);
  }

  public List<Path> searchPath() {
    return searchPath;
  }

  /** Loads, merges, validates and binds the profile named (or at the path) {@code nameOrPath}. */
  public LoadedProfile load(String nameOrPath) throws ProfileException {
    Path file = locate(nameOrPath, null);
    Node.MapNode merged = resolve(file, new ArrayList<>(), null);
    ProfileValidator v = new ProfileValidator();
    Map<String, Object> effective = v.validate(merged, ProfileSchema.ROOT);
    if (effective.get("name") == null) {
      effective.put("name", baseName(file));
    }
    List<ProfileError> errors = new ArrayList<>(v.errors());
    if (errors.isEmpty()) {
      errors.addAll(ProfileBinder.crossChecks(effective, v.locations(), file.toString()));
      errors.addAll(ImageRules.check(effective, v.locations(), file.toString()));
    }
    if (!errors.isEmpty()) {
      throw new ProfileException(errors);
    }
    List<String> sources = new ArrayList<>();
    collectSources(file, sources, new ArrayList<>());
    return new LoadedProfile(ProfileBinder.bind(effective, v.locations(), sources, digest(effective)), effective);
  }

  /** Names of every profile in the search path, sorted. */
  public List<String> names() throws ProfileException {
    TreeSet<String> out = new TreeSet<>();
    for (Path dir : searchPath) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        s.map(p -> p.getFileName().toString())
            .filter(n -> EXTENSIONS.stream().anyMatch(n::endsWith))
            .map(ProfileLoader::stripExtension)
            .forEach(out::add);
      } catch (IOException e) {
        throw new ProfileException(List.of(new ProfileError(new Location(dir.toString(), 0, 0), "", "cannot list: " + e.getMessage())));
      }
    }
    return List.copyOf(out);
  }

  /** A name is looked up in the search path; anything with a slash or an extension is a file. */
  public Path locate(String nameOrPath, Location from) throws ProfileException {
    Path asFile = Path.of(nameOrPath);
    boolean looksLikePath = nameOrPath.contains("/") || EXTENSIONS.stream().anyMatch(nameOrPath::endsWith);
    if (looksLikePath) {
      if (from != null && !asFile.isAbsolute()) {
        asFile = Path.of(from.file()).toAbsolutePath().getParent().resolve(nameOrPath);
      }
      if (Files.isRegularFile(asFile)) {
        return asFile.normalize();
      }
      throw notFound(nameOrPath, from, "no such file");
    }
    for (Path dir : searchPath) {
      for (String ext : EXTENSIONS) {
        Path p = dir.resolve(nameOrPath + ext);
        if (Files.isRegularFile(p)) {
          return p.normalize();
        }
      }
    }
    throw notFound(nameOrPath, from, "not found in " + searchPath);
  }

  private ProfileException notFound(String name, Location from, String why) {
    return new ProfileException(List.of(new ProfileError(from == null ? new Location(name, 0, 0) : from,
        from == null ? "" : "extends", "profile '" + name + "' " + why)));
  }

  private Node.MapNode resolve(Path file, List<Path> stack, Location from) throws ProfileException {
    if (stack.contains(file)) {
      StringBuilder chain = new StringBuilder();
      for (Path p : stack.subList(stack.indexOf(file), stack.size())) {
        chain.append(baseName(p)).append(" -> ");
      }
      chain.append(baseName(file));
      throw new ProfileException(List.of(new ProfileError(from, "extends", "extends cycle: " + chain)));
    }
    Node.MapNode self = read(file);
    stack.add(file);
    Node.MapNode merged = new Node.MapNode(Map.of(), self.location());
    List<ProfileError> errors = new ArrayList<>();
    for (Map.Entry<String, Location> parent : parents(self)) {
      try {
        Path p = locate(parent.getKey(), parent.getValue());
        merged = ProfileMerger.merge(merged, resolve(p, stack, parent.getValue()));
      } catch (ProfileException e) {
        errors.addAll(e.errors());
      }
    }
    stack.remove(stack.size() - 1);
    if (!errors.isEmpty()) {
      throw new ProfileException(errors);
    }
    Map<String, Node.Field> withoutExtends = new LinkedHashMap<>(self.fields());
    withoutExtends.remove("extends");
    withoutExtends.remove("extends!");
    // The name of a profile is its own, never inherited.
    Map<String, Node.Field> parentFields = new LinkedHashMap<>(merged.fields());
    parentFields.remove("name");
    parentFields.remove("description");
    return ProfileMerger.merge(new Node.MapNode(parentFields, merged.location()), new Node.MapNode(withoutExtends, self.location()));
  }

  private void collectSources(Path file, List<String> out, List<Path> seen) throws ProfileException {
    if (seen.contains(file)) {
      return;
    }
    seen.add(file);
    for (Map.Entry<String, Location> parent : parents(read(file))) {
      collectSources(locate(parent.getKey(), parent.getValue()), out, seen);
    }
    out.add(file.toString());
  }

  private static List<Map.Entry<String, Location>> parents(Node.MapNode self) throws ProfileException {
    Node ext = self.get("extends");
    List<Map.Entry<String, Location>> out = new ArrayList<>();
    if (ext == null) {
      return out;
    }
    List<Node> items = ext instanceof Node.ListNode l ? l.items() : List.of(ext);
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof Node.ScalarNode s && s.value() instanceof String name) {
        out.add(Map.entry(name, s.location()));
      } else {
        throw new ProfileException(List.of(new ProfileError(items.get(i).location(), "extends[" + i + "]",
            "expected a profile name or path, found " + items.get(i).kind())));
      }
    }
    return out;
  }

  private static Node.MapNode read(Path file) throws ProfileException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ProfileException(List.of(new ProfileError(new Location(file.toString(), 0, 0), "", "cannot read: " + e.getMessage())));
    }
    try {
      Node n = NodeReader.read(file.toString(), Utf8Text.decode(file.toString(), bytes));
      if (!(n instanceof Node.MapNode m)) {
        throw new ProfileException(List.of(new ProfileError(n.location(), "", "a profile must be a mapping, found " + n.kind())));
      }
      if (m.fields().isEmpty()) {
        // Nothing would be built from it; the image would only fail later on an empty package list.
        throw new ProfileException(List.of(new ProfileError(new Location(file.toString(), 0, 0), "",
            "the profile is empty (no fields, only blank lines or comments): give at least 'extends' or 'packages'")));
      }
      return m;
    } catch (NodeSyntaxException e) {
      throw new ProfileException(List.of(new ProfileError(e.location(), e.field(), e.problem())));
    }
  }

  private static String baseName(Path p) {
    return stripExtension(p.getFileName().toString());
  }

  private static String stripExtension(String n) {
    for (String ext : EXTENSIONS) {
      if (n.endsWith(ext)) {
        return n.substring(0, n.length() - ext.length());
      }
    }
    return n;
  }

  static String digest(Map<String, Object> effective) {
    try {
      ObjectMapper m = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
      byte[] json = m.writeValueAsBytes(effective);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot digest a profile", e);
    }
  }
}
