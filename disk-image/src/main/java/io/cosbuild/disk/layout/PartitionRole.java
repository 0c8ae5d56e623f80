package io.cosbuild.disk.layout;

import io.cosbuild.disk.gpt.Architecture;
import io.cosbuild.disk.gpt.PartitionType;

/**
 * The partitions of a cosbuild disk, with their stable numbers and names (see docs/disk-layout.md). Partitions
 * are laid out in number order, so STATE is physically last and can grow to fill a larger disk.
 */
public enum PartitionRole {
  EFI_SYSTEM(1, "EFI-SYSTEM"),
  ROOT_A(2, "ROOT-A"),
  VERITY_A(3, "VERITY-A"),
  ROOT_B(4, "ROOT-B"),
  VERITY_B(5, "VERITY-B"),
  OEM(6, "OEM"),
  STATE(7, "STATE");

  private final int number;
  private final String label;

  PartitionRole(int number, String label) {
    this.number = number;
    this.label = label;
  }

  public int number() {
    return number;
  }

  /** The GPT partition name. */
  public String label() {
    return label;
  }

  /** The type GUID of this role; STATE is DPS var when {@code stateAsVar}, else Linux generic data. */
  public PartitionType type(Architecture arch, boolean stateAsVar) {
    switch (this) {
      case EFI_SYSTEM:
        return PartitionType.EFI_SYSTEM;
      case ROOT_A:
      case ROOT_B:
        return PartitionType.root(arch);
      case VERITY_A:
      case VERITY_B:
        return PartitionType.rootVerity(arch);
      case OEM:
        return PartitionType.LINUX_DATA;
      case STATE:
        return stateAsVar ? PartitionType.VAR : PartitionType.LINUX_DATA;
      default:
        throw new IllegalStateException("unhandled role " + this);
    }
  }
}
