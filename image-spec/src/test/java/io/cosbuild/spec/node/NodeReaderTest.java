package io.cosbuild.spec.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NodeReaderTest {

  private static NodeSyntaxException refused(String yaml) {
    return assertThrows(NodeSyntaxException.class, () -> NodeReader.read("p.yaml", yaml));
  }

  @Test
  void anAliasIsRefusedWhereItIsWrittenNotReadAsTheAnchorsName() {
    NodeSyntaxException e = refused("security:\n  sysctl:\n    a: &one \"1\"\n    b: *one\n");
    assertEquals("p.yaml:4:8: security.sysctl.b: YAML anchors and aliases are not supported (write the value out)", e.getMessage());
    e = refused("kernel:\n  cmdline: [quiet]\nx: *k\n");
    assertEquals(new Location("p.yaml", 3, 4), e.location());
    assertEquals("x", e.field());
  }

  @Test
  void anAnchoredMappingIsRefused() {
    NodeSyntaxException e = refused("kernel: &k\n  cmdline: [quiet]\n");
    assertEquals("kernel", e.field());
    assertTrue(e.problem().contains("anchors and aliases"), e.getMessage());
  }

  @Test
  void aKeyAndItsReplaceFormInOneMappingAreRefused() {
    NodeSyntaxException e = refused("packages:\n  include: [a]\n  include!: [b]\n");
    assertEquals(new Location("p.yaml", 3, 3), e.location());
    assertEquals("packages.include!", e.field());
    e = refused("tmpfs!: [/run]\ntmpfs: [/tmp]\n");
    assertEquals("tmpfs", e.field());
    assertTrue(e.problem().startsWith("'tmpfs!' and 'tmpfs' in one mapping"), e.problem());
  }

  @Test
  void aTabIsReportedWithSnakeYamlsProblemAtItsOwnLine() {
    NodeSyntaxException e = refused("extends: base\ndisk:\n  size: 1GiB\n  esp-size: 8MiB\n\n\n\n\tformats: [raw]\n");
    assertEquals(new Location("p.yaml", 8, 1), e.location());
    assertTrue(e.problem().startsWith("found character '\\t(TAB)' that cannot start any token"), e.problem());
    assertTrue(e.problem().lines().count() == 1, e.problem());
  }

  @Test
  void aBadIndentIsReportedAtTheMisplacedLine() {
    NodeSyntaxException e = refused("extends: base\nkernel:\n  cmdline:\n    - quiet\n   - audit=0\n");
    assertEquals(new Location("p.yaml", 5, 4), e.location());
    assertTrue(e.problem().startsWith("expected <block end>"), e.problem());
    assertTrue(e.problem().endsWith("(check the indentation of this line)"), e.problem());
  }

  @Test
  void aWholeNumberBeyondALongStaysWhole() throws Exception {
    Node.MapNode m = (Node.MapNode) NodeReader.read("p.yaml", "uid: 99999999999999999999\n");
    assertEquals(new BigInteger("99999999999999999999"), ((Node.ScalarNode) m.get("uid")).value());
  }

  @Test
  void latin1BytesAreNamedAsNotUtf8WithTheirLine() {
    byte[] bytes = "extends: minimal\ndescription: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    NodeSyntaxException e = assertThrows(NodeSyntaxException.class, () -> Utf8Text.decode("p.yaml", bytes));
    assertEquals(new Location("p.yaml", 2, 17), e.location());
    assertTrue(e.problem().startsWith("the file is not UTF-8: byte 0xE9"), e.problem());
  }
}
