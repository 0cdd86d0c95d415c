package dev.mesh4j.core.internal.routing;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.mesh4j.core.internal.common.RegexLimits;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An RE2 program and a few {@link Matcher}s to run it with. {@code Pattern.matches} builds a new
 * matcher (with its groups array and input wrapper) for every value it checks — about 90 bytes
 * per route condition per request. Each matcher kept here reads its input through a
 * {@link Input} of its own, which is pointed at the next value and the matcher reset without a
 * new input: what is left per check is RE2/J's own (its machine's input view and submatch copy,
 * 48 bytes, inside its package). A matcher is not thread-safe, so each is lent to one thread at a
 * time from a small lock-free pool: a thread takes any free one, or builds a throwaway one when
 * all are lent out (under heavy concurrency on one regex), and gives it back. Unlike a
 * thread-local cache this costs nothing per thread, so virtual threads (one per request) reuse
 * matchers too. Thread-safe.
 */
final class Regex {
  /** Matchers kept per program: enough for the concurrency one route condition sees. */
  private static final int POOLED = 4;

  final Pattern pattern;
  private final AtomicReferenceArray<Slot> pool = new AtomicReferenceArray<>(POOLED);

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
      Slot s = pool.getAndSet(i, null);
      if (s != null) {
        try {
          return s.matches(value);
        } finally {
          pool.set(i, s);
        }
      }
    }
    // Every pooled matcher is lent out (or none was made yet): make one, and keep it if a slot is free.
    Slot s = new Slot(pattern);
    boolean matched = s.matches(value);
    for (int i = 0; i < POOLED; i++) {
      if (pool.get(i) == null && pool.compareAndSet(i, null, s)) {
        break;
      }
    }
    return matched;
  }

  /** Whether {@code slot}s are kept and lent again (for tests): the matcher {@link #matches} used last. */
  @org.jspecify.annotations.Nullable Matcher pooledMatcher(int i) {
    Slot s = pool.get(i);
    return s == null ? null : s.matcher;
  }

  /** A matcher and the input it reads, lent together to one thread at a time. */
  private static final class Slot {
    final Input input = new Input();
    final Matcher matcher;

    Slot(Pattern pattern) {
      this.matcher = pattern.matcher(input);
    }

    boolean matches(String value) {
      input.value = value;
      try {
        // reset() re-reads the input's length and keeps RE2/J's wrapper of it: no allocation.
        return matcher.reset().matches();
      } finally {
        input.value = "";  // no request's value outlives its check
      }
    }
  }

  /** The value being checked, as the CharSequence a matcher reads; changed between checks. */
  private static final class Input implements CharSequence {
    String value = "";

    @Override
    public int length() {
      return value.length();
    }

    @Override
    public char charAt(int index) {
      return value.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return value.subSequence(start, end);
    }

    @Override
    public String toString() {
      return value;
    }
  }
}
