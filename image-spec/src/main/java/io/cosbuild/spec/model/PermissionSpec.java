package io.cosbuild.spec.model;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the profile sets on a path of the image, as {@code dpkg-statoverride} and {@code setcap} in a
 * package's maintainer script would (cosbuild runs none). Empty means unchanged.
 *
 * @param owner a user name of the image or a numeric uid
 * @param group a group name of the image or a numeric gid
 * @param mode permission bits including setuid, setgid and sticky
 */
public record PermissionSpec(String path, Optional<String> owner, Optional<String> group, OptionalInt mode,
    Optional<FileCapabilities> capabilities) {}
