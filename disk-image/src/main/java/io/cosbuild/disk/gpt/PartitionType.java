package io.cosbuild.disk.gpt;

import java.util.Optional;
import java.util.UUID;

/**
 * GPT partition type GUIDs used by cosbuild, from the UAPI Group's Discoverable Partitions Specification (DPS)
 * and, for the ESP, the UEFI specification. Architecture-specific types come in x86_64 and arm64 variants;
 * pick them with {@link #root(Architecture)} and friends.
 */
public enum PartitionType {
  EFI_SYSTEM("c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "EFI System Partition"),
  LINUX_DATA("0fc63daf-8483-4772-8e79-3d69d8477de4", "Linux generic data"),
  VAR("4d21b016-b534-45c2-a9fb-5c16e091fd2d", "Linux /var (DPS var)"),
  ROOT_X86_64("4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "Linux root (x86-64)"),
  ROOT_X86_64_VERITY("2c7357ed-ebd2-46d9-aec1-23d437ec2bf5", "Linux root verity (x86-64)"),
  ROOT_X86_64_VERITY_SIG("41092b05-9fc8-4523-994f-2def0408b176", "Linux root verity signature (x86-64)"),
  USR_X86_64("8484680c-9521-48c6-9c11-b0720656f69e", "Linux /usr (x86-64)"),
  USR_X86_64_VERITY("77ff5f63-e7b6-4633-acf4-1565b864c0e6", "Linux /usr verity (x86-64)"),
  USR_X86_64_VERITY_SIG("e7bb33fb-06cf-4e81-8273-e543b413e2e2", "Linux /usr verity signature (x86-64)"),
  ROOT_ARM64("b921b045-1df0-41c3-af44-4c6f280d3fae", "Linux root (arm64)"),
  ROOT_ARM64_VERITY("df3300ce-d69f-4c92-978c-9bfb0f38d820", "Linux root verity (arm64)"),
  ROOT_ARM64_VERITY_SIG("6db69de6-29f4-4758-a7a5-962190f00ce3", "Linux root verity signature (arm64)"),
  USR_ARM64("b0e01050-ee5f-4390-949a-9101b17104e9", "Linux /usr (arm64)"),
  USR_ARM64_VERITY("6e11a4e7-fbca-4ded-b9e9-e1a512bb664e", "Linux /usr verity (arm64)"),
  USR_ARM64_VERITY_SIG("c23ce4ff-44bd-4b00-b2d4-b41b3419e02a", "Linux /usr verity signature (arm64)");

  private final UUID guid;
  private final String description;

  PartitionType(String guid, String description) {
    this.guid = UUID.fromString(guid);
    this.description = description;
  }

  public UUID guid() {
    return guid;
  }

  public String description() {
    return description;
  }

  public static PartitionType root(Architecture arch) {
    return arch == Architecture.X86_64 ? ROOT_X86_64 : ROOT_ARM64;
  }

  public static PartitionType rootVerity(Architecture arch) {
    return arch == Architecture.X86_64 ? ROOT_X86_64_VERITY : ROOT_ARM64_VERITY;
  }

  public static PartitionType rootVeritySig(Architecture arch) {
    return arch == Architecture.X86_64 ? ROOT_X86_64_VERITY_SIG : ROOT_ARM64_VERITY_SIG;
  }

  public static PartitionType usr(Architecture arch) {
    return arch == Architecture.X86_64 ? USR_X86_64 : USR_ARM64;
  }

  public static PartitionType usrVerity(Architecture arch) {
    return arch == Architecture.X86_64 ? USR_X86_64_VERITY : USR_ARM64_VERITY;
  }

  public static PartitionType usrVeritySig(Architecture arch) {
    return arch == Architecture.X86_64 ? USR_X86_64_VERITY_SIG : USR_ARM64_VERITY_SIG;
  }

  /** The known type with this GUID, if any. */
  public static Optional<PartitionType> byGuid(UUID guid) {
    for (PartitionType t : values()) {
      if (t.guid.equals(guid)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
