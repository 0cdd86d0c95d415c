package dev.mesh4j.console;

import java.time.Duration;
import java.util.Locale;

/** Small renderings shared by the console's parts. */
final class Text {
  private Text() {}

  /** {@code s}, cut to {@code max} characters with an ellipsis. */
  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /** {@code 30s}, {@code 1.5s}, {@code 250ms}, {@code 2m5s}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = ms / 1000;
    return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
  }
}
