package io.cosbuild.cli.boot;

import java.util.Locale;

/** How the guest sees its disks: the controllers clouds give their VMs, which the initramfs has drivers for. */
public enum DiskBus {
  /** virtio-blk (/dev/vda), QEMU's usual. */
  VIRTIO,
  /** SCSI disks on a virtio-scsi controller (/dev/sda), as Google Compute Engine attaches them. */
  SCSI,
  /** NVMe namespaces (/dev/nvme0n1), as AWS Nitro instances and GCE's newer machine types attach them. */
  NVME;

  public static DiskBus parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "virtio" -> VIRTIO;
      case "scsi" -> SCSI;
      case "nvme" -> NVME;
      default -> throw new IllegalArgumentException("--disk-bus must be virtio, scsi or nvme, not " + s);
    };
  }
}
