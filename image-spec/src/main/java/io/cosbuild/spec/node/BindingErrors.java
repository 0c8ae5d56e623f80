package io.cosbuild.spec.node;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Jackson's failures to read a JSON file into our records, put as a reader of that file needs them:
 * where (line, column), which field (its path), and what it should have been. Jackson's own text
 * names our Java classes and its token types, which mean nothing to someone with a broken manifest.
 */
public final class BindingErrors {

  private BindingErrors() {}

  /** One line: {@code line L, column C: PATH must be a whole number}, or the parser's complaint. */
  public static String describe(JsonProcessingException e) {
    StringBuilder s = new StringBuilder();
    JsonLocation l = e.getLocation();
    if (l != null && l.getLineNr() > 0) {
      s.append("line ").append(l.getLineNr()).append(", column ").append(l.getColumnNr()).append(": ");
    }
    if (e instanceof PropertyBindingException p) {
      String at = path(p.getPath().subList(0, Math.max(0, p.getPath().size() - 1)));
      s.append("unknown field '").append(p.getPropertyName()).append("'").append(at.isEmpty() ? "" : " in " + at);
    } else if (e instanceof ValueInstantiationException v && v.getCause() instanceof NullPointerException npe
        && npe.getMessage() != null && npe.getMessage().matches("[A-Za-z][A-Za-z0-9]*")) {
      // A record's requireNonNull(field, "field"): the field is missing.
      String at = path(v.getPath());
      s.append("no '").append(npe.getMessage()).append("'").append(at.isEmpty() ? "" : " in " + at);
    } else if (e instanceof ValueInstantiationException v && v.getCause() instanceof IllegalArgumentException iae
        && iae.getMessage() != null) {
      String at = path(v.getPath());
      s.append(at.isEmpty() ? "" : at + ": ").append(iae.getMessage());
    } else if (e instanceof MismatchedInputException m && m.getTargetType() != null && kind(m.getTargetType()) != null) {
      String at = path(m.getPath());
      s.append(at.isEmpty() ? "the document" : at).append(" must be ").append(kind(m.getTargetType()));
    } else {
      // Jackson puts the whole input in "[Source: ...; line: L, column: C]": the place is what matters.
      String msg = e.getOriginalMessage() == null ? "" : String.join(" ", e.getOriginalMessage().strip().lines().toList())
          .replaceAll("\\[Source: .*?; line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
      s.append(msg.isEmpty() ? "not valid JSON" : msg);
    }
    return s.toString();
  }

  /** {@code disk.partitions[1].number}. */
  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder s = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        s.append(s.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        s.append('[').append(r.getIndex()).append(']');
      }
    }
    return s.toString();
  }

  /** What a JSON value of type {@code t} looks like, or null where Jackson's message says it better. */
  private static String kind(Class<?> t) {
    if (t == String.class || t == Character.class || t == char.class) {
      return "a string";
    }
    if (t == int.class || t == long.class || t == short.class || t == byte.class || t == Integer.class || t == Long.class
        || t == Short.class || t == Byte.class) {
      return "a whole number";
    }
    if (t == double.class || t == float.class || Number.class.isAssignableFrom(t)) {
      return "a number";
    }
    if (t == boolean.class || t == Boolean.class) {
      return "true or false";
    }
    if (t.isArray() || Collection.class.isAssignableFrom(t)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(t) || t.isRecord()) {
      return "an object";
    }
    return null; // an enum, a date...: Jackson's own words say which values it takes
  }
}
