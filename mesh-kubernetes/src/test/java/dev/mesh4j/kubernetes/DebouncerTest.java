package dev.mesh4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** istiod's debounce on virtual time: 100 ms of quiet, or 10 s after the first change at the latest. */
class DebouncerTest {
  private final FakeClock clock = new FakeClock();
  private final List<Long> flushes = new ArrayList<>();
  private final List<Runnable> queued = new ArrayList<>();
  private Executor executor = Runnable::run;
  private final Debouncer debouncer = new Debouncer(clock, clock, task -> executor.execute(task),
      Duration.ofMillis(100), Duration.ofSeconds(10), () -> flushes.add(Duration.ofNanos(clock.nanos()).toMillis()));

  @Test
  void oneChangeFlushesAfterTheQuietPeriod() {
    debouncer.changed();
    clock.advance(Duration.ofMillis(99));
    assertThat(flushes).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(flushes).containsExactly(100L);
  }

  @Test
  void aBurstIsOneFlushAfterItsLastChange() {
    for (int i = 0; i < 5; i++) {
      debouncer.changed();
      clock.advance(Duration.ofMillis(50));
    }
    assertThat(flushes).isEmpty();
    clock.advance(Duration.ofMillis(50));
    assertThat(flushes).containsExactly(300L);
  }

  @Test
  void aSteadyStreamStillFlushesEveryMaxPeriod() {
    for (int i = 0; i < 250; i++) { // a change every 50 ms for 12.5 s: never quiet
      debouncer.changed();
      clock.advance(Duration.ofMillis(50));
    }
    assertThat(flushes).containsExactly(10_000L);
  }

  @Test
  void changesDuringAFlushGoIntoTheNextOne() {
    executor = queued::add; // the flush is handed to the executor and has not run yet
    debouncer.changed();
    clock.advance(Duration.ofMillis(100));
    assertThat(queued).hasSize(1);

    debouncer.changed(); // arrives while the first flush is pending: no second flush in parallel
    clock.advance(Duration.ofMillis(500));
    assertThat(queued).hasSize(1);

    executor = Runnable::run;
    queued.remove(0).run(); // the first flush completes; the second change has long been quiet
    assertThat(flushes).containsExactly(600L);
    clock.advance(Duration.ofMillis(1));
    assertThat(flushes).containsExactly(600L, 600L);
  }

  @Test
  void nothingFlushesAfterClose() {
    debouncer.changed();
    debouncer.close();
    clock.advance(Duration.ofSeconds(20));
    debouncer.changed();
    clock.advance(Duration.ofSeconds(20));
    assertThat(flushes).isEmpty();
    assertThat(clock.pendingTasks()).isZero();
  }
}
