package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong (or suspicious) in the configuration, located precisely enough to fix it.
 *
 * <p>{@link #toString()} renders {@code file#doc field.path: message}, for example
 * {@code reviews.yaml#2 spec.http[1].route[0].weight: weight -5 < 0}; for a resource built in
 * code, its kind, namespace and name stand for the file:
 * {@code VirtualService default/reviews spec.http[1].route[0].weight: weight -5 < 0}. On one
 * line: control and line-separator characters (which a file name, a field name or a quoted value
 * may hold) are rendered as escapes such as {@code \n}, so a problem can never forge a log line.
 *
 * @param severity whether the problem rejects the configuration or only deserves attention
 * @param origin the file and document the problem is in, or the resource built in code
 * @param path the field path inside the document, e.g. {@code spec.http[1].route[0].weight};
 *     empty when the problem concerns the whole document
 * @param message what is wrong, including the offending value where that helps
 */
public record ConfigProblem(Severity severity, ConfigOrigin origin, String path, String message) {

  /** How serious a problem is. */
  public enum Severity {
    /** The configuration is rejected. */
    ERROR,
    /** The configuration loads, but probably does not do what its author meant. */
    WARNING
  }

  public ConfigProblem {
    requireNonNull(severity, "severity");
    requireNonNull(origin, "origin");
    requireNonNull(path, "path");
    requireNonNull(message, "message");
  }

  /** Whether this problem rejects the configuration. */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  @Override
  public String toString() {
    return oneLine(path.isEmpty() ? origin + ": " + message : origin + " " + path + ": " + message);
  }

  /** Escapes C0/C1 controls, DEL, line separators and bidi controls (already escaped text is unchanged). */
  private static String oneLine(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean unsafe = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
          || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
      if (unsafe && sb == null) {
        sb = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (sb == null) {
        continue;
      }
      if (!unsafe) {
        sb.append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else {
        sb.append(String.format(c <= 0xff ? "\\x%02x" : "\\u%04x", (int) c));
      }
    }
    return sb == null ? s : sb.toString();
  }
}
