package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

/**
 * A regex substitution on the path ({@code RegexRewrite}).
 *
 * @param match an RE2 regex
 * @param rewrite the replacement; {@code \1}..{@code \9} refer to capture groups
 */
public record RegexRewrite(String match, String rewrite) {
  public RegexRewrite {
    requireNonNull(match, "match");
    requireNonNull(rewrite, "rewrite");
  }

  /** A builder of a regex rewrite; both fields are empty (and so invalid) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this regex rewrite. */
  public Builder toBuilder() {
    return new Builder().match(match).rewrite(rewrite);
  }

  /** Builds a {@link RegexRewrite}. Setters replace. No validation (of the regex either). */
  public static final class Builder {
    private String match = "";
    private String rewrite = "";

    private Builder() {}

    /** Sets the RE2 regex (Istio {@code match}). */
    public Builder match(String match) {
      this.match = requireNonNull(match, "match");
      return this;
    }

    /** Sets the replacement; {@code \1}..{@code \9} refer to groups (Istio {@code rewrite}). */
    public Builder rewrite(String rewrite) {
      this.rewrite = requireNonNull(rewrite, "rewrite");
      return this;
    }

    /** The regex rewrite as set so far. */
    public RegexRewrite build() {
      return new RegexRewrite(match, rewrite);
    }
  }
}
