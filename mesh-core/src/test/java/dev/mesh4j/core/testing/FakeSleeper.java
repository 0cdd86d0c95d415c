package dev.mesh4j.core.testing;

import dev.mesh4j.api.runtime.Sleeper;
import dev.mesh4j.api.runtime.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sleeper that does not sleep: it advances its own ticker and records the total time slept.
 * Test fixture; thread-safe.
 */
public final class FakeSleeper implements Sleeper, Ticker {
  private final AtomicLong nanos = new AtomicLong();
  private final AtomicLong slept = new AtomicLong();

  @Override
  public void sleep(Duration duration) {
    nanos.addAndGet(duration.toNanos());
    slept.addAndGet(duration.toNanos());
  }

  @Override
  public long nanos() {
    return nanos.get();
  }

  /** The total time slept. */
  public Duration slept() {
    return Duration.ofNanos(slept.get());
  }
}
