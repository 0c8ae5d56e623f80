package io.cosbuild.disk.layout;

import java.nio.file.Path;

/**
 * A raw disk that {@link DiskImageWriter} finished. Immutable.
 *
 * @param path the disk file (renamed into place)
 * @param layout what was written
 * @param dataMap where the disk holds data; pass it to the qcow2 and GCE writers
 */
public record WrittenDisk(Path path, DiskLayout layout, SparseMap dataMap) {
}
