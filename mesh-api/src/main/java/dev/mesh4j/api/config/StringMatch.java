package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

/**
 * An Istio {@code StringMatch}: how a request attribute is compared.
 *
 * <p>Regexes are RE2 syntax and must match the whole value. {@link Kind#PRESENT} stands for an
 * empty StringMatch ({@code {}}) or {@code regex: "*"}, which in header and query-parameter
 * matches mean "present with any value".
 *
 * @param kind how to compare
 * @param value the expected value, prefix or regex; empty for {@link Kind#PRESENT}
 */
public record StringMatch(Kind kind, String value) {

  /** The comparison a StringMatch makes. */
  public enum Kind {
    /** Equal to the value. */
    EXACT,
    /** Starts with the value. */
    PREFIX,
    /** Fully matches the RE2 regex. */
    REGEX,
    /** Present, any value. */
    PRESENT
  }

  public StringMatch {
    requireNonNull(kind, "kind");
    requireNonNull(value, "value");
  }

  public static StringMatch exact(String value) {
    return new StringMatch(Kind.EXACT, value);
  }

  public static StringMatch prefix(String value) {
    return new StringMatch(Kind.PREFIX, value);
  }

  public static StringMatch regex(String value) {
    return new StringMatch(Kind.REGEX, value);
  }

  public static StringMatch present() {
    return new StringMatch(Kind.PRESENT, "");
  }

  @Override
  public String toString() {
    return kind == Kind.PRESENT ? "present" : kind.name().toLowerCase(java.util.Locale.ROOT) + " \"" + value + "\"";
  }
}
