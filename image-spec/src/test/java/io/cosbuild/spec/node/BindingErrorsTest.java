package io.cosbuild.spec.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class BindingErrorsTest {

  record Part(int number, String name, boolean empty) {}

  record Doc(int version, List<Part> parts) {}

  record Checked(String name, int size) {
    Checked {
      java.util.Objects.requireNonNull(name, "name");
      if (size < 0) {
        throw new IllegalArgumentException("size must not be negative, not " + size);
      }
    }
  }

  record Outer(List<Checked> items) {}

  private static String problem(String json) {
    JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> new ObjectMapper().readValue(json, Doc.class));
    return BindingErrors.describe(e);
  }

  @Test
  void wrongTopLevelIsNamedWithoutJavaClassNames() {
    assertEquals("line 1, column 1: the document must be an object", problem("[1, 2]"));
    assertEquals("line 1, column 1: the document must be an object", problem("\"x\""));
  }

  @Test
  void wrongFieldIsNamedByItsPath() {
    assertEquals("line 1, column 13: version must be a whole number", problem("{\"version\": \"three\"}"));
    assertEquals("line 3, column 14: parts[1].number must be a whole number",
        problem("{\"version\": 1, \"parts\": [\n  {\"number\": 1},\n  {\"number\": \"two\"}]}"));
    assertEquals("line 1, column 21: parts[0].name must be a string", problem("{\"parts\": [{\"name\": {\"a\": 1}}]}"));
    assertEquals("line 1, column 11: parts must be a list", problem("{\"parts\": 7}"));
    assertEquals("line 1, column 22: parts[0].empty must be true or false", problem("{\"parts\": [{\"empty\": \"yes\"}]}"));
  }

  @Test
  void unknownFieldIsNamedWithWhereItIs() {
    // Jackson places these after the value it skipped: the line is what counts.
    assertTrue(problem("{\"parts\": [{\"number\": 1, \"size\": 2}]}").matches("line 1, column \\d+: unknown field 'size' in parts\\[0\\]"));
    assertTrue(problem("{\"version\": 1,\n \"extra\": 2}").matches("line 2, column \\d+: unknown field 'extra'"));
  }

  @Test
  void syntaxErrorsKeepTheParsersWordsAndPlace() {
    assertEquals("line 1, column 15: Unexpected end-of-input within/between Object entries", problem("{\"version\": 1,"));
    // Not the whole input again, as Jackson's own text quotes it: only where the object began.
    assertEquals("line 2, column 1: Unexpected end-of-input: expected close marker for Object (start marker at line 1, column 1)",
        problem("{\"version\": 1\n"));
  }

  /** What a record's constructor refuses: a missing field by its name and place, a bad value in the record's words. */
  @Test
  void aFieldTheRecordRequiresIsNamed() {
    JsonProcessingException missing = assertThrows(JsonProcessingException.class,
        () -> new ObjectMapper().readValue("{\"items\": [{\"name\": \"a\", \"size\": 1},\n {\"size\": 2}]}", Outer.class));
    assertTrue(BindingErrors.describe(missing).matches("line 2, column \\d+: no 'name' in items\\[1\\]"),
        BindingErrors.describe(missing));
    JsonProcessingException negative = assertThrows(JsonProcessingException.class,
        () -> new ObjectMapper().readValue("{\"items\": [{\"name\": \"a\", \"size\": -1}]}", Outer.class));
    assertTrue(BindingErrors.describe(negative).matches("line 1, column \\d+: items\\[0\\]: size must not be negative, not -1"),
        BindingErrors.describe(negative));
  }
}
