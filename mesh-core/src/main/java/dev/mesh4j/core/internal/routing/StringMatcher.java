package dev.mesh4j.core.internal.routing;

import dev.mesh4j.core.internal.common.Quoting;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mesh4j.api.config.StringMatch;
import org.jspecify.annotations.Nullable;

/**
 * A compiled {@link StringMatch}: exact, prefix, RE2 full match or presence. Immutable and
 * thread-safe.
 */
public final class StringMatcher {
  private final StringMatch.Kind kind;
  private final String value;
  private final boolean ignoreCase;
  private final @Nullable Regex regex;

  private StringMatcher(StringMatch.Kind kind, String value, boolean ignoreCase) {
    this.kind = kind;
    this.value = value;
    // Envoy ignores case_sensitive for regex matches: only exact and prefix honour it.
    this.ignoreCase = ignoreCase && kind != StringMatch.Kind.REGEX;
    this.regex = kind == StringMatch.Kind.REGEX ? compiled(value) : null;
  }

  /**
   * RE2/J programs are immutable and thread-safe, and cost a kilobyte or more each: identical
   * regexes (common across many VirtualServices) share one, with its matchers, while any
   * snapshot uses it.
   */
  private static final Cache<String, Regex> PATTERNS = Caffeine.newBuilder().weakValues().build();

  static Regex compiled(String regex) {
    return PATTERNS.get(regex, Regex::compile);
  }

  public static StringMatcher of(StringMatch match) {
    return new StringMatcher(match.kind(), match.value(), false);
  }

  public static StringMatcher of(StringMatch match, boolean ignoreCase) {
    return new StringMatcher(match.kind(), match.value(), ignoreCase);
  }

  public boolean isPresence() {
    return kind == StringMatch.Kind.PRESENT;
  }

  /** Whether this is {@code prefix: "/"}, which every path matches (Envoy's default route match). */
  boolean isRootPrefix() {
    return kind == StringMatch.Kind.PREFIX && value.equals("/") && !ignoreCase;
  }

  /** Whether a present value matches (presence matchers match every value). */
  public boolean matches(String s) {
    return switch (kind) {
      case EXACT -> ignoreCase ? s.equalsIgnoreCase(value) : s.equals(value);
      case PREFIX -> s.regionMatches(ignoreCase, 0, value, 0, value.length());
      case REGEX -> regex.matches(s);
      case PRESENT -> true;
    };
  }

  @Override
  public String toString() {
    String s = kind == StringMatch.Kind.PRESENT
        ? "present"
        : kind.name().toLowerCase(java.util.Locale.ROOT) + " " + dev.mesh4j.core.internal.common.Quoting.quote(value);
    return ignoreCase ? s + " (ignoring case)" : s;
  }
}
