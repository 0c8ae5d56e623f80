package io.cosbuild.cli.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cosbuild.cli.Json;
import io.cosbuild.cli.build.Manifest;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MissingFieldsTest {

  /** What the verifier lets a manifest leave out: this one is version 3, without the fields later versions added. */
  private static final Set<String> OPTIONAL = ImageVerifier.OPTIONAL_FIELDS;

  private static Manifest read(String disk, String signature) throws Exception {
    return Json.mapper().readValue("""
        {"manifestVersion": 3, "cosbuildVersion": "1", "profile": {"name": "p", "digest": "d"}, "arch": "x86_64",
         "sourceDateEpoch": 1, "packages": [], "rootfs": {"type": "squashfs", "compression": "zstd", "size": 1,
         "sha256": "s"},
         "verity": {"algorithm": "sha256", "version": 1, "dataBlockSize": 4096, "hashBlockSize": 4096,
                    "dataBlocks": 1, "salt": "00", "rootHash": "ab", "hashSize": 8192 %s},
         %s
         "kernelCommandLine": "ro", "files": {"vmlinuz": {"size": 1, "sha256": "s"}}}
        """.formatted(signature, disk), Manifest.class);
  }

  private static final String DISK = """
      "disk": {"diskGuid": "g", "sizeBytes": 1, "sectorSize": 512, "partitions": [
        {"number": 1, "name": "EFI-SYSTEM", "typeGuid": "t", "partitionGuid": "u", "firstLba": 1, "lastLba": 2,
         "attributes": "0000000000000000", "content": "empty"},
        {"number": 2, "name": "ROOT-A", "typeGuid": "t", "partitionGuid": "u", "firstLba": 3, "lastLba": 4,
         "attributes": "1101000000000000", "flags": ["read-only"], "content": "data"}]},""";

  @Test
  void aCompleteManifestHasNoneAndTheOptionalFieldsMayBeLeftOut() throws Exception {
    assertNull(MissingFields.first(read(DISK, ""), OPTIONAL), "no signature, partition 1 without flags");
    assertNull(MissingFields.first(read(DISK, ", \"signature\": null"), OPTIONAL));
  }

  @Test
  void theFirstMissingFieldIsNamedWithItsPath() throws Exception {
    assertEquals("disk", MissingFields.first(read("", ""), OPTIONAL));
    assertEquals("disk.partitions[1].name", MissingFields.first(read(DISK.replace("\"name\": \"ROOT-A\", ", ""), ""), OPTIONAL));
    assertEquals("disk.partitions[0].attributes",
        MissingFields.first(read(DISK.replace("\"attributes\": \"0000000000000000\"", "\"attributes\": null"), ""), OPTIONAL));
    assertEquals("disk.partitions[2]", MissingFields.first(read(DISK.replace("\"data\"}]", "\"data\"}, null]"), ""), OPTIONAL));
    assertEquals("files.vmlinuz", MissingFields.first(Json.mapper().readValue(
        Json.write(read(DISK, "")).replace("{\n      \"size\" : 1,\n      \"sha256\" : \"s\"\n    }", "null"), Manifest.class), OPTIONAL));
  }
}
