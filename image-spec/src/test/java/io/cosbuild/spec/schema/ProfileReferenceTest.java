package io.cosbuild.spec.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProfileReferenceTest {

  @Test
  void committedReferenceMatchesTheSchema() throws Exception {
    String committed = Files.readString(Path.of("..", "docs", "profile-reference.md"));
    assertEquals(ProfileReference.markdown(), committed,
        "docs/profile-reference.md is stale: run scripts/gen-profile-reference");
  }
}
