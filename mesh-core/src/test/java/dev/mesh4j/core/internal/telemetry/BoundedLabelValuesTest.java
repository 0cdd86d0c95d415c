package dev.mesh4j.core.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedLabelValuesTest {

  @Test
  void admittedValuesStayAdmittedAndNewOnesPastTheLimitOverflow() {
    BoundedLabelValues values = new BoundedLabelValues(2);
    assertThat(values.admit("a")).isEqualTo("a");
    assertThat(values.admit("b")).isEqualTo("b");
    assertThat(values.admit("c")).isEqualTo(BoundedLabelValues.OVERFLOW);
    assertThat(values.admit("a")).isEqualTo("a");
    assertThat(values.admit("b")).isEqualTo("b");
  }

  @Test
  void concurrentNewcomersNeverExceedTheLimit() throws InterruptedException {
    BoundedLabelValues values = new BoundedLabelValues(BoundedLabelValues.LIMIT);
    Set<String> kept = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < 8; t++) {
      int thread = t;
      pool.execute(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1_000; i++) {
          kept.add(values.admit("host-" + (i * 8 + thread) % 3_000));
        }
      });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    kept.remove(BoundedLabelValues.OVERFLOW);
    assertThat(kept).hasSize(BoundedLabelValues.LIMIT);
  }
}
