package dev.mesh4j.api.runtime;

/**
 * A monotonic time source in nanoseconds, for deadlines, windows and durations. Not related to
 * wall-clock time. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds since an arbitrary fixed origin; never decreases. */
  long nanos();

  /** The system ticker ({@link System#nanoTime()}). */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long nanos() {
    return System.nanoTime();
  }
}
