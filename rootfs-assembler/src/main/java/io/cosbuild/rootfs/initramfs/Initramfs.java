package io.cosbuild.rootfs.initramfs;

import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.FsTree;

/**
 * A planned initramfs: its file tree (write it with {@link InitramfsBuilder#write}), the kernel
 * release it was made for, the kernel image from the same package, and the modules it loads.
 * Immutable and thread-safe.
 */
public record Initramfs(FsTree tree, String kernelRelease, Blob kernelImage, ModulesDep modules, String init) {}
