package io.cosbuild.cli.build;

import java.util.OptionalLong;

/**
 * The timestamp every output is clamped to. Precedence: the {@code --source-date-epoch} flag, then
 * the {@code SOURCE_DATE_EPOCH} environment variable, then the profile, else 0. Never the clock.
 */
public final class SourceDateEpoch {

  private SourceDateEpoch() {}

  public static long resolve(Long flag, String environment, OptionalLong profile) {
    if (flag != null) {
      if (flag < 0) {
        throw new IllegalArgumentException("--source-date-epoch must not be negative");
      }
      return flag;
    }
    if (environment != null && !environment.isBlank()) {
      try {
        long v = Long.parseLong(environment.trim());
        if (v >= 0) {
          return v;
        }
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
      throw new IllegalArgumentException("SOURCE_DATE_EPOCH='" + environment + "' is not a whole number of seconds");
    }
    return profile.orElse(0);
  }
}
