package io.cosbuild.spec;

import io.cosbuild.spec.model.ImageProfile;
import java.util.Map;

/**
 * A profile as loaded: the typed model, and the effective value (every field, defaults filled in,
 * schema order) that {@code cosbuild profile show} prints and the digest is computed over.
 */
public record LoadedProfile(ImageProfile profile, Map<String, Object> effective) {}
