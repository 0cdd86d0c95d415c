package dev.mesh4j.core.internal.common;

/**
 * Quotes config and request text for messages (problems, warnings, log lines, explanations), so
 * that no value can forge a line or flood a log: control and line-separator characters are shown
 * as escapes ({@code \n}, {@code \r}, {@code \t}, {@code \u2028}, …) and long values are cut,
 * with the length they had. Every message that quotes config or request data goes through here;
 * {@link Problems} escapes whatever reaches it once more. Pure functions; thread-safe.
 */
public final class Quoting {
  /** The characters of a value a message shows; the rest is cut. */
  public static final int MAX_SHOWN = 200;

  private Quoting() {}

  /**
   * The value in double quotes, escaped and cut: {@code "a\nb"}, or
   * {@code "1234…" (200000 characters)} for a long one. A quote or backslash inside is escaped
   * too ({@code "a\"b"}), as Go's {@code %q} writes it, so the quoted text ends where it seems to.
   */
  public static String quote(String value) {
    StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_SHOWN) + 24).append('"');
    boolean cut = append(sb, value, MAX_SHOWN, true);
    sb.append('"');
    if (cut) {
      sb.append("… (").append(value.length()).append(" characters)");
    }
    return sb.toString();
  }

  /**
   * The value escaped and cut as by {@link #quote}, without quotes: for names that are shown
   * bare, such as a header name or a field of a path.
   */
  public static String escape(String value) {
    if (!needsEscaping(value) && value.length() <= MAX_SHOWN) {
      return value;
    }
    StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_SHOWN) + 24);
    if (append(sb, value, MAX_SHOWN, false)) {
      sb.append("… (").append(value.length()).append(" characters)");
    }
    return sb.toString();
  }

  /**
   * Only the escaping, without cutting: the last line of defence where a whole message is
   * rendered (a message already escaped is returned as it is).
   */
  public static String escapeControls(String text) {
    if (!needsEscaping(text)) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    append(sb, text, Integer.MAX_VALUE, false);
    return sb.toString();
  }

  /** Whether a character would end, forge or hide a log line: C0/C1 controls, DEL, line and bidi controls. */
  public static boolean isUnsafe(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
  }

  private static boolean needsEscaping(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (isUnsafe(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Appends up to {@code max} characters of {@code s}, escaped (and, {@code quoted}, its quotes
   * and backslashes); whether the rest was cut.
   */
  private static boolean append(StringBuilder sb, String s, int max, boolean quoted) {
    int n = Math.min(s.length(), max);
    // Never cut a surrogate pair in two.
    if (n < s.length() && n > 0 && Character.isHighSurrogate(s.charAt(n - 1))) {
      n--;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (quoted && (c == '"' || c == '\\')) {
        sb.append('\\').append(c);
        continue;
      }
      if (!isUnsafe(c)) {
        sb.append(c);
        continue;
      }
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          String hex = Integer.toHexString(c);
          sb.append(c <= 0xff ? "\\x" : "\\u").append("0".repeat((c <= 0xff ? 2 : 4) - hex.length())).append(hex);
        }
      }
    }
    return n < s.length();
  }
}
