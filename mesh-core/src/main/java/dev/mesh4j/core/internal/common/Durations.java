package dev.mesh4j.core.internal.common;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Parses durations as Istio accepts them: Go's {@code time.ParseDuration} syntax ({@code 1h30m},
 * {@code 1.5s}, {@code 200ms}, {@code 10us}), which includes protobuf JSON's {@code "1.5s"}.
 */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    boolean negative = false;
    int i = 0;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    if (s.substring(i).equals("0")) {
      return Duration.ZERO;
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    boolean any = false;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("expected a number at position " + start);
      }
      BigDecimal number = number(s.substring(start, i));
      int unitStart = i;
      while (i < s.length() && !isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      long nanosPerUnit = switch (unit) {
        case "ns" -> 1L;
        case "us", "\u00b5s", "\u03bcs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        case "" -> throw new IllegalArgumentException("missing unit (expected e.g. 1s, 200ms, 1m)");
        default -> throw new IllegalArgumentException("unknown unit " + Quoting.quote(unit));
      };
      totalNanos = totalNanos.add(number.multiply(BigDecimal.valueOf(nanosPerUnit)));
      any = true;
    }
    if (!any) {
      throw new IllegalArgumentException("no value");
    }
    BigDecimal whole = totalNanos.setScale(0, java.math.RoundingMode.DOWN);
    if (whole.compareTo(totalNanos) != 0) {
      throw new IllegalArgumentException("finer than a nanosecond");
    }
    if (whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("too long");
    }
    Duration d = Duration.ofNanos(whole.longValueExact());
    return negative ? d.negated() : d;
  }

  /** Go's durations have ASCII digits only. */
  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * One number of a duration. Its size is checked before it is parsed, so that a value of a
   * million digits costs no more than reading it: past 19 digits before the point every duration
   * overflows (as in Go), and past 21 significant digits after it every one is finer than a
   * nanosecond (an hour is 3.6e12 ns).
   */
  private static BigDecimal number(String text) {
    int dot = text.indexOf('.');
    if (dot != text.lastIndexOf('.') || text.equals(".")) {
      throw new IllegalArgumentException("bad number " + Quoting.quote(text));
    }
    String whole = dot < 0 ? text : text.substring(0, dot);
    String fraction = dot < 0 ? "" : text.substring(dot + 1);
    int w = 0;
    while (w < whole.length() - 1 && whole.charAt(w) == '0') {
      w++;
    }
    int f = fraction.length();
    while (f > 0 && fraction.charAt(f - 1) == '0') {
      f--;
    }
    if (whole.length() - w > 19) {
      throw new IllegalArgumentException("too long");
    }
    if (f > 21) {
      throw new IllegalArgumentException("finer than a nanosecond");
    }
    String digits = (whole.isEmpty() ? "0" : whole.substring(w)) + (f == 0 ? "" : "." + fraction.substring(0, f));
    return new BigDecimal(digits);
  }

  /** Renders a duration the way Istio writes it: {@code 1.5s}, {@code 200ms}, {@code 1m}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    if (ms < 1000) {
      return ms + "ms";
    }
    return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + "s";
  }
}
