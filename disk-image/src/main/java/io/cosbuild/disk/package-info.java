/**
 * Disk images: GPT ({@code gpt}), the cosbuild partition layout and the raw sparse writer ({@code layout}),
 * qcow2 ({@code qcow2}) and Compute Engine tar.gz ({@code gce}) outputs, and inspection and verification
 * ({@code inspect}). Sector size is 512 bytes throughout.
 */
package io.cosbuild.disk;
