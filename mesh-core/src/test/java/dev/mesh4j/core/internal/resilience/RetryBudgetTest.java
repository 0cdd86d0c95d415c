package dev.mesh4j.core.internal.resilience;

import static dev.mesh4j.core.internal.resilience.ConnectionLimiter.NO_DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter.Budget;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter.Limits;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter.Permit;
import dev.mesh4j.core.testing.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Envoy's retry budget ({@code RetryBudgetImpl}): the retries in flight are limited to a share of
 * the requests in flight and waiting, never below {@code minRetryConcurrency}, instead of
 * {@code maxRetries}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RetryBudgetTest {
  private static final int U = Limits.UNLIMITED;

  private final FakeClock clock = new FakeClock();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** {@code max(percent / 100.0 * (active + pending), minRetryConcurrency)}, the product truncated. */
  @ParameterizedTest(name = "{0}% of {2} requests, at least {1}: {3}")
  @CsvSource({
      // Istio's documented example: 20% of 25 active requests allow 5 retries ...
      "20, 3, 25, 5",
      // ... and with 2 active requests the minimum, 3, still applies.
      "20, 3, 2, 3",
      "20, 3, 0, 3",
      "20, 3, 24, 4",    // 4.8 rounds down
      "20, 3, 100, 20",
      "25, 3, 9, 3",     // 2.25 -> 2, below the minimum
      "33.3, 1, 10, 3",  // 3.33 -> 3
      "50, 0, 1, 0",     // 0.5 -> 0: no retry at all (minimum 0, only through CDS)
      "50, 0, 2, 1",
      "0, 3, 1000, 3",   // a 0% budget leaves the minimum
      "0, 0, 1000, 0",
      "100, 3, 7, 7",
      "100, 0, 2147483647, 2147483647",
      "0.5, 1, 1000, 5",
  })
  void theLimitIsEnvoysFormula(double percent, int min, int requests, int limit) {
    assertThat(new Budget(percent, min).limit(requests)).isEqualTo(limit);
  }

  @Test
  void istiosDefaultsFillWhatTheRuleLeavesUnset() {
    assertThat(Budget.of(TrafficPolicy.RetryBudget.defaults())).isEqualTo(new Budget(20, 3));
    assertThat(Budget.of(new TrafficPolicy.RetryBudget(50.0, null))).isEqualTo(new Budget(50, 3));
    assertThat(Budget.of(new TrafficPolicy.RetryBudget(null, 7))).isEqualTo(new Budget(20, 7));
    assertThat(Budget.of(TrafficPolicy.RetryBudget.builder().percent(10).minRetryConcurrency(0).build()))
        .as("Istio sends minRetryConcurrency only when above 0").isEqualTo(new Budget(10, 3));
    assertThatThrownBy(() -> new Budget(101, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Budget(Double.NaN, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Budget(20, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPolicysBudgetJoinsItsPoolLimits() {
    TrafficPolicy policy = TrafficPolicy.builder()
        .connectionPool(ConnectionPoolSettings.builder().http(ConnectionPoolSettings.Http.builder().maxRetries(1)))
        .retryBudget(TrafficPolicy.RetryBudget.builder().percent(30).minRetryConcurrency(2))
        .build();
    Limits limits = Limits.forPolicy(policy);
    assertThat(limits).isEqualTo(new Limits(U, U, U, 1, new Budget(30, 2)));
    assertThat(limits.toString()).endsWith("maxRetries 1 (not applied: retryBudget 30% (min 2))");
    assertThat(Limits.forPolicy(TrafficPolicy.EMPTY)).isEqualTo(Limits.NONE);
  }

  @Test
  void theBudgetReplacesMaxRetries() {
    ConnectionLimiter limiter = new ConnectionLimiter("c", new Limits(U, U, U, 1, new Budget(20, 3)), clock, clock);
    assertThat(limiter.tryAcquireRetry()).isTrue();
    assertThat(limiter.tryAcquireRetry()).as("maxRetries 1 is not applied next to a budget").isTrue();
    assertThat(limiter.tryAcquireRetry()).isTrue();
    assertThat(limiter.tryAcquireRetry()).as("the budget's minimum, 3, at no load").isFalse();
    assertThat(limiter.retryLimitName()).isEqualTo("retryBudget");
    limiter.reconfigure(new Limits(U, U, U, 1));
    assertThat(limiter.retryLimitName()).isEqualTo("maxRetries");
  }

  @Test
  void theBudgetGrowsAndShrinksWithTheRequestsInFlight() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter("c", new Limits(U, U, U, U, new Budget(20, 3)), clock, clock);
    List<Permit> inFlight = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      inFlight.add(limiter.acquire(NO_DEADLINE));
    }
    assertThat(limiter.stats().active()).as("counted for the budget though unlimited").isEqualTo(25);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquireRetry()).as("retry %d of 20%% of 25", i + 1).isTrue();
    }
    assertThat(limiter.tryAcquireRetry()).isFalse();
    // Ten requests end: 15 in flight allow 3, and 5 retries are still in flight.
    for (int i = 0; i < 10; i++) {
      inFlight.remove(inFlight.size() - 1).release();
    }
    for (int i = 0; i < 3; i++) {
      limiter.releaseRetry();
    }
    assertThat(limiter.stats().retries()).isEqualTo(2);
    assertThat(limiter.tryAcquireRetry()).isTrue();
    assertThat(limiter.tryAcquireRetry()).as("3 of 15 in flight").isFalse();
    inFlight.forEach(Permit::release);
    assertThat(limiter.stats().active()).isZero();
  }

  @Test
  void countingForABudgetSharesOnePermitAndEachReleaseEndsOneRequest() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter("c", new Limits(U, U, U, U, new Budget(20, 3)), clock, clock);
    Permit a = limiter.acquire(NO_DEADLINE);
    Permit b = limiter.acquire(NO_DEADLINE);
    assertThat(a).as("no allocation per request").isSameAs(b);
    assertThat(a.granted()).isTrue();
    assertThat(limiter.stats().active()).isEqualTo(2);
    a.release();
    b.release();
    assertThat(limiter.stats().active()).isZero();
  }

  @Test
  void countingAndDecidingAllocateNothing() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter("c", new Limits(U, U, U, U, new Budget(20, 3)), clock, clock);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    int n = 200_000;
    for (int round = 0; round < 2; round++) {  // the first round warms up
      long before = mx.getThreadAllocatedBytes(id);
      for (int i = 0; i < n; i++) {
        Permit p = limiter.acquire(NO_DEADLINE);
        if (limiter.tryAcquireRetry()) {
          limiter.releaseRetry();
        }
        p.release();
      }
      long bytes = mx.getThreadAllocatedBytes(id) - before;
      if (round == 1) {
        assertThat(bytes).as("bytes allocated by %d requests with a retry decision", n).isLessThan(n / 10);
      }
    }
    assertThat(limiter.stats()).isEqualTo(new ConnectionLimiter.Stats(0, 0, 0));
  }

  @Test
  void requestsWaitingForAConnectionCountTowardsTheBudget() throws Exception {
    // One connection: 1 request in flight, 9 waiting; 50% of 10 is 5.
    ConnectionLimiter limiter = new ConnectionLimiter("c", new Limits(1, U, U, U, new Budget(50, 1)), clock, clock);
    Permit first = limiter.acquire(NO_DEADLINE);
    List<Future<Permit>> waiting = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      waiting.add(threads.submit(() -> limiter.acquire(NO_DEADLINE)));
    }
    while (limiter.stats().pending() != 9) {
      Thread.onSpinWait();  // bounded by the class timeout
    }
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquireRetry()).isTrue();
    }
    assertThat(limiter.tryAcquireRetry()).isFalse();
    first.release();
    // Waiters are served in queue order, which need not be the order they were submitted in.
    while (!waiting.isEmpty()) {
      for (int i = 0; i < waiting.size(); i++) {
        if (waiting.get(i).isDone()) {
          waiting.remove(i).get().release();
          break;
        }
      }
    }
    assertThat(limiter.stats().active()).isZero();
  }

  @Test
  void reloadsKeepTheCountsRightAcrossBudgetAndLimits() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter("c", Limits.NONE, clock, clock);
    Permit uncounted = limiter.acquire(NO_DEADLINE);
    limiter.reconfigure(Limits.NONE.withRetryBudget(new Budget(20, 3)));
    Permit counted = limiter.acquire(NO_DEADLINE);
    uncounted.release();
    assertThat(limiter.stats().active()).as("a request from before the budget was never counted").isEqualTo(1);
    limiter.reconfigure(Limits.NONE);
    Permit after = limiter.acquire(NO_DEADLINE);
    assertThat(after).isSameAs(Permit.UNLIMITED);
    counted.release();
    assertThat(limiter.stats().active()).as("a counted request ends counted").isZero();
  }
}
