package io.cosbuild.spec.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML or JSON into {@link Node}s with locations. Jackson's tree model forgets where values
 * came from, so this walks the token stream itself. Duplicate keys, a key next to its {@code !}
 * replace form, and YAML anchors and aliases are errors. Thread-safe.
 */
public final class NodeReader {

  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonFactory JSON = new JsonFactory();

  private NodeReader() {}

  /**
   * Parses {@code text}; {@code file} names it in locations and errors. JSON if it ends in .json.
   * A text without any value (empty, or only comments) is an empty mapping.
   */
  public static Node read(String file, String text) throws NodeSyntaxException {
    JsonFactory factory = file.endsWith(".json") ? JSON : YAML;
    try (Reader r = new StringReader(text); JsonParser p = factory.createParser(r)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new Node.MapNode(Map.of(), new Location(file, 1, 1));
      }
      Node n = readValue(p, file, "");
      if (p.nextToken() != null) {
        throw new NodeSyntaxException(loc(file, p.currentTokenLocation()), "more than one document in the file");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw syntaxError(file, e);
    } catch (IOException e) {
      throw new NodeSyntaxException(new Location(file, 0, 0), e.getMessage());
    }
  }

  /**
   * SnakeYAML's own problem at its own mark: Jackson's message and location are those of the
   * enclosing construct ("while parsing a block mapping"), often lines away from the fault.
   */
  private static NodeSyntaxException syntaxError(String file, JsonProcessingException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof MarkedYAMLException m && m.getProblem() != null) {
        Mark mark = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
        Location where = mark == null ? new Location(file, 0, 0) : new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
        String hint = m.getProblem().startsWith("expected <block end>") ? " (check the indentation of this line)" : "";
        return new NodeSyntaxException(where, oneLine(m.getProblem()) + hint);
      }
    }
    JsonLocation l = e.getLocation();
    String msg = oneLine(e.getOriginalMessage());
    return new NodeSyntaxException(l == null ? new Location(file, 0, 0) : loc(file, l), msg.isEmpty() ? "syntax error" : msg);
  }

  private static String oneLine(String s) {
    return s == null ? "" : String.join(" ", s.strip().lines().map(String::strip).toList());
  }

  private static Node readValue(JsonParser p, String file, String path) throws IOException, NodeSyntaxException {
    Location where = loc(file, p.currentTokenLocation());
    refuseAnchors(p, where, path);
    switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Node.Field> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          Location keyLoc = loc(file, p.currentTokenLocation());
          String keyPath = path.isEmpty() ? key : path + "." + key;
          refuseAnchors(p, keyLoc, keyPath);
          p.nextToken();
          Node value = readValue(p, file, keyPath);
          if (fields.put(key, new Node.Field(key, keyLoc, value)) != null) {
            throw new NodeSyntaxException(keyLoc, keyPath, "duplicate key '" + key + "'");
          }
          // 'k' merges with the parent's value and 'k!' replaces it: both at once leave one silently dropped.
          String other = key.endsWith("!") ? key.substring(0, key.length() - 1) : key + "!";
          if (fields.containsKey(other)) {
            throw new NodeSyntaxException(keyLoc, keyPath, "'" + other + "' and '" + key
                + "' in one mapping: write one of them ('" + stripBang(key) + "!' replaces the parent's value, '"
                + stripBang(key) + "' merges with it)");
          }
        }
        return new Node.MapNode(fields, where);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(readValue(p, file, path + "[" + items.size() + "]"));
        }
        return new Node.ListNode(items, where);
      }
      case VALUE_STRING -> {
        return new Node.ScalarNode(p.getText(), where);
      }
      case VALUE_NUMBER_INT -> {
        // Beyond a long it is kept whole, so that range checks can name it instead of a parse error.
        return new Node.ScalarNode(p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue(),
            where);
      }
      case VALUE_NUMBER_FLOAT -> {
        return new Node.ScalarNode(p.getDoubleValue(), where);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new Node.ScalarNode(p.getBooleanValue(), where);
      }
      case VALUE_NULL -> {
        return new Node.ScalarNode(null, where);
      }
      default -> throw new NodeSyntaxException(where, path, "unexpected " + p.currentToken());
    }
  }

  /** Jackson hands an alias over as the anchor's name, a plain string: refused rather than misread. */
  private static void refuseAnchors(JsonParser p, Location where, String path) throws IOException, NodeSyntaxException {
    if (p instanceof YAMLParser y && (y.isCurrentAlias() || y.getObjectId() != null)) {
      throw new NodeSyntaxException(where, path, "YAML anchors and aliases are not supported (write the value out)");
    }
  }

  private static String stripBang(String key) {
    return key.endsWith("!") ? key.substring(0, key.length() - 1) : key;
  }

  private static Location loc(String file, JsonLocation l) {
    return new Location(file, l.getLineNr(), l.getColumnNr());
  }
}
