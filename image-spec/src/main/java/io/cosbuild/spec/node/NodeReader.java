package io.cosbuild.spec.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML or JSON into {@link Node}s with locations. Jackson's tree model forgets where values
 * came from, so this walks the token stream itself. Duplicate keys are an error. Thread-safe.
 */
public final class NodeReader {

  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonFactory JSON = new JsonFactory();

  private NodeReader() {}

  /** Parses {@code text}; {@code file} names it in locations and errors. JSON if it ends in .json. */
  public static Node read(String file, String text) throws NodeSyntaxException {
    JsonFactory factory = file.endsWith(".json") ? JSON : YAML;
    try (Reader r = new StringReader(text); JsonParser p = factory.createParser(r)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new Node.MapNode(Map.of(), new Location(file, 1, 1));
      }
      Node n = readValue(p, file);
      if (p.nextToken() != null) {
        throw new NodeSyntaxException(loc(file, p.currentTokenLocation()), "more than one document in the file");
      }
      return n;
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      String msg = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
      throw new NodeSyntaxException(l == null ? new Location(file, 0, 0) : loc(file, l), msg);
    } catch (IOException e) {
      throw new NodeSyntaxException(new Location(file, 0, 0), e.getMessage());
    }
  }

  private static Node readValue(JsonParser p, String file) throws IOException, NodeSyntaxException {
    Location where = loc(file, p.currentTokenLocation());
    switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Node.Field> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          Location keyLoc = loc(file, p.currentTokenLocation());
          p.nextToken();
          Node value = readValue(p, file);
          if (fields.put(key, new Node.Field(key, keyLoc, value)) != null) {
            throw new NodeSyntaxException(keyLoc, "duplicate key '" + key + "'");
          }
        }
        return new Node.MapNode(fields, where);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(readValue(p, file));
        }
        return new Node.ListNode(items, where);
      }
      case VALUE_STRING -> {
        return new Node.ScalarNode(p.getText(), where);
      }
      case VALUE_NUMBER_INT -> {
        return new Node.ScalarNode(p.getLongValue(), where);
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
      default -> throw new NodeSyntaxException(where, "unexpected " + p.currentToken());
    }
  }

  private static Location loc(String file, JsonLocation l) {
    return new Location(file, l.getLineNr(), l.getColumnNr());
  }
}
