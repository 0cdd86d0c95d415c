package dev.mesh4j.core.internal.routing;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.mesh4j.core.internal.common.RegexLimits;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An RE2 program and a few {@link Matcher}s to run it with. {@code Pattern.matches} builds a new
 * matcher (with its groups array and input wrapper) for every value it checks — about 90 bytes
 * per route condition per request; a matcher reset to the next value allocates only RE2/J's
 * input wrappers. A matcher is not thread-safe, so each is lent to one thread at a time from a
 * small lock-free pool: a thread takes any free one, or builds a throwaway one when all are lent
 * out (under heavy concurrency on one regex), and gives it back. Unlike a thread-local cache
 * this costs nothing per thread, so virtual threads (one per request) reuse matchers too.
 * Thread-safe.
 */
final class Regex {
  /** Matchers kept per program: enough for the concurrency one route condition sees. */
  private static final int POOLED = 4;

  final Pattern pattern;
  private final AtomicReferenceArray<Matcher> pool = new AtomicReferenceArray<>(POOLED);

  private Regex(Pattern pattern) {
    this.pattern = pattern;
  }

  /** Compiles a regex, within RE2's and Istio's limits ({@link RegexLimits#compile}). */
  static Regex compile(String regex) {
    return new Regex(RegexLimits.compile(regex));
  }

  /** Whether the whole value matches. */
  boolean matches(String value) {
    for (int i = 0; i < POOLED; i++) {
      Matcher m = pool.getAndSet(i, null);
      if (m != null) {
        try {
          return m.reset(value).matches();
        } finally {
          pool.set(i, m);
        }
      }
    }
    // Every pooled matcher is lent out (or none was made yet): make one, and keep it if a slot is free.
    Matcher m = pattern.matcher(value);
    boolean matched = m.matches();
    for (int i = 0; i < POOLED; i++) {
      if (pool.get(i) == null && pool.compareAndSet(i, null, m)) {
        break;
      }
    }
    return matched;
  }
}
