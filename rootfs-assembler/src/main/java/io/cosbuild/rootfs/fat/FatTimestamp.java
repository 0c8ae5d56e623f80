package io.cosbuild.rootfs.fat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A FAT date and time. Immutable and thread-safe.
 *
 * @param date bits 15-9 year - 1980, 8-5 month, 4-0 day
 * @param time bits 15-11 hours, 10-5 minutes, 4-0 seconds / 2
 */
record FatTimestamp(int date, int time) {

  private static final LocalDateTime FIRST = LocalDateTime.of(1980, 1, 1, 0, 0, 0);
  private static final LocalDateTime LAST = LocalDateTime.of(2107, 12, 31, 23, 59, 58);

  /** Seconds since the Unix epoch as UTC, clamped to FAT's range and rounded down to 2 seconds. */
  static FatTimestamp ofEpochSecond(long seconds) {
    LocalDateTime t;
    if (seconds <= FIRST.toEpochSecond(ZoneOffset.UTC)) {
      t = FIRST;
    } else if (seconds >= LAST.toEpochSecond(ZoneOffset.UTC)) {
      t = LAST;
    } else {
      t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
    }
    return new FatTimestamp((t.getYear() - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth(),
        t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() / 2);
  }
}
