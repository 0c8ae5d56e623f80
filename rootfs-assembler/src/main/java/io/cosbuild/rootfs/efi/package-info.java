/**
 * EFI executables: {@link io.cosbuild.rootfs.efi.PeImage} reads the headers of a PE32+ image and
 * {@link io.cosbuild.rootfs.efi.UkiBuilder} turns systemd's EFI stub into a Unified Kernel Image by
 * appending sections ({@code .osrel}, {@code .cmdline}, {@code .linux}, {@code .initrd}) the way
 * {@code objcopy --add-section} and systemd's {@code ukify} do, without either tool;
 * {@link io.cosbuild.rootfs.efi.AuthenticodeSigner} signs such an image for UEFI Secure Boot as
 * {@code sbsign} does.
 */
package io.cosbuild.rootfs.efi;
