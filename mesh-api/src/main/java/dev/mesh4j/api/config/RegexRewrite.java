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
}
