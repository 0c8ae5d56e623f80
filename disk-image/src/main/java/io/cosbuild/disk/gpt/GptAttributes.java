package io.cosbuild.disk.gpt;

import java.util.ArrayList;
import java.util.List;

/**
 * The 64-bit attribute field of a GPT partition entry. Immutable and thread-safe.
 *
 * <table>
 * <caption>Bits used by cosbuild</caption>
 * <tr><th>bit(s)</th><th>meaning</th><th>source</th></tr>
 * <tr><td>0</td><td>required by the platform</td><td>UEFI</td></tr>
 * <tr><td>2</td><td>legacy BIOS bootable</td><td>UEFI</td></tr>
 * <tr><td>48-51</td><td>A/B priority (0 = not bootable, 15 highest)</td><td>ChromeOS; COS, Flatcar, Bottlerocket</td></tr>
 * <tr><td>52-55</td><td>tries left</td><td>ChromeOS convention</td></tr>
 * <tr><td>56</td><td>successful boot</td><td>ChromeOS convention</td></tr>
 * <tr><td>59</td><td>grow file system</td><td>DPS</td></tr>
 * <tr><td>60</td><td>read-only</td><td>DPS</td></tr>
 * <tr><td>62</td><td>hidden</td><td>Microsoft basic data, DPS</td></tr>
 * <tr><td>63</td><td>do not auto-mount (no-auto)</td><td>DPS</td></tr>
 * </table>
 *
 * @param bits the raw attribute field
 */
public record GptAttributes(long bits) {
  public static final long REQUIRED = 1L;
  public static final long LEGACY_BIOS_BOOTABLE = 1L << 2;
  public static final long GROW_FS = 1L << 59;
  public static final long READ_ONLY = 1L << 60;
  public static final long HIDDEN = 1L << 62;
  public static final long NO_AUTO = 1L << 63;
  private static final int PRIORITY_SHIFT = 48;
  private static final int TRIES_SHIFT = 52;
  private static final long SUCCESSFUL = 1L << 56;

  public static final GptAttributes NONE = new GptAttributes(0);

  public GptAttributes with(long flag) {
    return new GptAttributes(bits | flag);
  }

  /** Sets the ChromeOS A/B fields: priority 0..15, tries left 0..15, successful. */
  public GptAttributes withBootSlot(int priority, int triesLeft, boolean successful) {
    if (priority < 0 || priority > 15 || triesLeft < 0 || triesLeft > 15) {
      throw new IllegalArgumentException("priority and tries must be 0..15, got " + priority + " and " + triesLeft);
    }
    long b = bits & ~(0x1FFL << PRIORITY_SHIFT);
    b |= (long) priority << PRIORITY_SHIFT | (long) triesLeft << TRIES_SHIFT | (successful ? SUCCESSFUL : 0);
    return new GptAttributes(b);
  }

  public int priority() {
    return (int) (bits >>> PRIORITY_SHIFT) & 0xF;
  }

  public int triesLeft() {
    return (int) (bits >>> TRIES_SHIFT) & 0xF;
  }

  public boolean successful() {
    return (bits & SUCCESSFUL) != 0;
  }

  public boolean readOnly() {
    return (bits & READ_ONLY) != 0;
  }

  public boolean noAuto() {
    return (bits & NO_AUTO) != 0;
  }

  /** Names of the set flags, for inspection output, e.g. {@code [read-only, priority=2, successful]}. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    if ((bits & REQUIRED) != 0) {
      out.add("required");
    }
    if ((bits & LEGACY_BIOS_BOOTABLE) != 0) {
      out.add("legacy-bios-bootable");
    }
    if (priority() != 0) {
      out.add("priority=" + priority());
    }
    if (triesLeft() != 0) {
      out.add("tries=" + triesLeft());
    }
    if (successful()) {
      out.add("successful");
    }
    if ((bits & GROW_FS) != 0) {
      out.add("grow-fs");
    }
    if (readOnly()) {
      out.add("read-only");
    }
    if ((bits & HIDDEN) != 0) {
      out.add("hidden");
    }
    if (noAuto()) {
      out.add("no-auto");
    }
    return out;
  }

  /** The attribute field as 16 hex digits, as {@code sgdisk -A n:show} and sfdisk print bits. */
  public String hex() {
    return String.format("%016x", bits);
  }
}
