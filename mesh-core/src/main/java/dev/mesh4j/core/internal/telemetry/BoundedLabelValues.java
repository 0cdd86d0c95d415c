package dev.mesh4j.core.internal.telemetry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The distinct values one metric label may take when its values come from requests rather than
 * from configuration (the {@code Host} of passthrough traffic, a {@code grpc-status} an upstream
 * sent): the first {@link #LIMIT} values seen are kept, every later new value is reported as
 * {@link #OVERFLOW}. An application that calls thousands of undeclared hosts then keeps a
 * bounded number of series instead of overflowing its metrics backend (the OpenTelemetry SDK
 * stops at 2,000 series per metric and merges the rest into one it does not name).
 *
 * <p>Thread-safe and lock-free; a value already admitted costs one hash lookup.
 */
final class BoundedLabelValues {
  /** How many distinct request-derived values one label keeps, per mesh. */
  static final int LIMIT = 100;
  /** What a label shows past the limit; the underscore keeps it apart from any host name. */
  static final String OVERFLOW = "mesh4j_overflow";

  private final Set<String> admitted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();
  private final int limit;

  BoundedLabelValues() {
    this(LIMIT);
  }

  BoundedLabelValues(int limit) {
    this.limit = limit;
  }

  /** The value itself if it is one of the label's admitted values, else {@link #OVERFLOW}. */
  String admit(String value) {
    if (admitted.contains(value)) {
      return value;
    }
    // Reserve a place first, so that concurrent newcomers never push the count past the limit.
    if (count.incrementAndGet() > limit) {
      count.decrementAndGet();
      return admitted.contains(value) ? value : OVERFLOW;
    }
    if (!admitted.add(value)) {
      count.decrementAndGet();  // another thread admitted it meanwhile
    }
    return value;
  }
}
