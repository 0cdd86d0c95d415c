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

  /** Equal to {@code value} (Istio {@code exact}). */
  public static StringMatch exact(String value) {
    return new StringMatch(Kind.EXACT, value);
  }

  /** Starts with {@code value} (Istio {@code prefix}). */
  public static StringMatch prefix(String value) {
    return new StringMatch(Kind.PREFIX, value);
  }

  /** Fully matches the RE2 regex {@code value} (Istio {@code regex}). */
  public static StringMatch regex(String value) {
    return new StringMatch(Kind.REGEX, value);
  }

  /** Present with any value (an empty Istio StringMatch, {@code {}}). */
  public static StringMatch present() {
    return new StringMatch(Kind.PRESENT, "");
  }

  /**
   * A builder of a StringMatch; until one of its methods is called it builds {@link Kind#PRESENT},
   * what an empty StringMatch ({@code {}}) reads as. The static factories ({@link #exact},
   * {@link #prefix}, {@link #regex}, {@link #present}) are usually shorter.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this StringMatch. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.kind = kind;
    b.value = value;
    return b;
  }

  /**
   * Builds a {@link StringMatch}. Istio's StringMatch is a one-of: each method replaces what an
   * earlier call set. No validation (a regex is checked by the mesh). Not thread-safe.
   */
  public static final class Builder {
    private Kind kind = Kind.PRESENT;
    private String value = "";

    private Builder() {}

    /** Equal to {@code value} (Istio {@code exact}). */
    public Builder exact(String value) {
      return set(Kind.EXACT, value);
    }

    /** Starts with {@code value} (Istio {@code prefix}). */
    public Builder prefix(String value) {
      return set(Kind.PREFIX, value);
    }

    /** Fully matches the RE2 regex (Istio {@code regex}). */
    public Builder regex(String value) {
      return set(Kind.REGEX, value);
    }

    /** Present with any value (an empty Istio StringMatch, {@code {}}). */
    public Builder present() {
      return set(Kind.PRESENT, "");
    }

    private Builder set(Kind kind, String value) {
      this.value = requireNonNull(value, "value");
      this.kind = kind;
      return this;
    }

    /** The StringMatch as set so far. */
    public StringMatch build() {
      return new StringMatch(kind, value);
    }
  }

  @Override
  public String toString() {
    return kind == Kind.PRESENT ? "present" : kind.name().toLowerCase(java.util.Locale.ROOT) + " \"" + value + "\"";
  }
}
