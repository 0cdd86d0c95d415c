package dev.mesh4j.core.internal.resilience;

import static dev.mesh4j.core.internal.resilience.ConnectionLimiter.NO_DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter.Limits;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter.Outcome;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter.Permit;
import dev.mesh4j.core.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Envoy's circuit-breaker thresholds per cluster: overflow, pending waits, retries. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionLimiterTest {
  private static final int U = Limits.UNLIMITED;

  private final FakeClock clock = new FakeClock();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private ConnectionLimiter limiter(int maxConnections, int maxPending, int maxRequests, int maxRetries) {
    return new ConnectionLimiter("outbound|9080||reviews",
        new Limits(maxConnections, maxPending, maxRequests, maxRetries), clock, clock);
  }

  private Future<Permit> acquireAsync(ConnectionLimiter limiter, long deadline) {
    return threads.submit(() -> limiter.acquire(deadline));
  }

  /** Spins (bounded by the class timeout) until the limiter reports this many pending requests. */
  private static void awaitPending(ConnectionLimiter limiter, int pending) {
    while (limiter.stats().pending() != pending) {
      Thread.onSpinWait();
    }
  }

  @Test
  void overflowsAtOnceBeyondMaxRequests() throws Exception {
    ConnectionLimiter limiter = limiter(U, U, 2, U);
    Permit a = limiter.acquire(NO_DEADLINE);
    Permit b = limiter.acquire(NO_DEADLINE);
    assertThat(a.granted()).isTrue();
    assertThat(b.granted()).isTrue();
    Permit over = limiter.acquire(NO_DEADLINE);
    assertThat(over).isSameAs(Permit.OVERFLOW);
    assertThat(over.limit()).isEqualTo("maxConnections/http2MaxRequests");
    assertThat(limiter.stats().pending()).as("requests over http2MaxRequests do not queue").isZero();
    a.release();
    assertThat(limiter.acquire(NO_DEADLINE).granted()).isTrue();
  }

  @Test
  void aPendingRequestWaitsAndGetsThePermitWhenOneFrees() throws Exception {
    ConnectionLimiter limiter = limiter(1, 1, U, U);
    Permit held = limiter.acquire(NO_DEADLINE);
    Future<Permit> waiter = acquireAsync(limiter, NO_DEADLINE);
    awaitPending(limiter, 1);
    assertThat(waiter.isDone()).isFalse();

    held.release();
    Permit handed = waiter.get(10, TimeUnit.SECONDS);
    assertThat(handed.granted()).isTrue();
    assertThat(limiter.stats()).isEqualTo(new ConnectionLimiter.Stats(1, 0, 0));
    handed.release();
    assertThat(limiter.stats().active()).isZero();
  }

  @Test
  void beyondThePendingLimitARequestOverflowsAtOnce() throws Exception {
    ConnectionLimiter limiter = limiter(1, 2, U, U);
    Permit held = limiter.acquire(NO_DEADLINE);
    Future<Permit> w1 = acquireAsync(limiter, NO_DEADLINE);
    awaitPending(limiter, 1);
    Future<Permit> w2 = acquireAsync(limiter, NO_DEADLINE);
    awaitPending(limiter, 2);
    assertThat(limiter.acquire(NO_DEADLINE)).isSameAs(Permit.QUEUE_FULL)
        .satisfies(p -> assertThat(p.limit()).isEqualTo("http1MaxPendingRequests"));

    held.release();
    w1.get(10, TimeUnit.SECONDS).release();
    assertThat(w2.get(10, TimeUnit.SECONDS).granted()).isTrue();
  }

  @Test
  void waitersAreServedInArrivalOrderAndNewcomersDoNotOvertake() throws Exception {
    ConnectionLimiter limiter = limiter(1, U, U, U);
    Permit held = limiter.acquire(NO_DEADLINE);
    Future<Permit> first = acquireAsync(limiter, NO_DEADLINE);
    awaitPending(limiter, 1);
    Future<Permit> second = acquireAsync(limiter, NO_DEADLINE);
    awaitPending(limiter, 2);

    held.release();
    Permit p1 = first.get(10, TimeUnit.SECONDS);
    assertThat(second.isDone()).isFalse();
    Future<Permit> third = acquireAsync(limiter, NO_DEADLINE);
    awaitPending(limiter, 2);
    p1.release();
    Permit p2 = second.get(10, TimeUnit.SECONDS);
    assertThat(p2.granted()).isTrue();
    assertThat(third.isDone()).isFalse();
    p2.release();
    assertThat(third.get(10, TimeUnit.SECONDS).granted()).isTrue();
  }

  @Test
  void equalConnectionAndRequestLimitsQueueAsEnvoyDoes() throws Exception {
    // Envoy checks max_requests only when a request gets a connection, so with both at 1 the
    // second request is pending, not overflowing (Istio's circuit-breaking task).
    ConnectionLimiter limiter = limiter(1, 1, 1, U);
    Permit held = limiter.acquire(NO_DEADLINE);
    Future<Permit> waiter = acquireAsync(limiter, NO_DEADLINE);
    awaitPending(limiter, 1);
    assertThat(limiter.acquire(NO_DEADLINE)).isSameAs(Permit.QUEUE_FULL);
    held.release();
    assertThat(waiter.get(10, TimeUnit.SECONDS).granted()).isTrue();
  }

  @Test
  void theDeadlineExpiresWhilePending() throws Exception {
    ConnectionLimiter limiter = limiter(1, 1, U, U);
    Permit held = limiter.acquire(NO_DEADLINE);
    Future<Permit> waiter = acquireAsync(limiter, clock.nanos() + Duration.ofSeconds(5).toNanos());
    awaitPending(limiter, 1);

    clock.advance(Duration.ofSeconds(4));
    assertThat(waiter.isDone()).isFalse();
    clock.advance(Duration.ofSeconds(1)); // the wake-up scheduled for the deadline runs
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isSameAs(Permit.DEADLINE_EXCEEDED);
    assertThat(limiter.stats().pending()).isZero();

    held.release();
    assertThat(limiter.stats().active()).as("nothing handed to the departed waiter").isZero();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void aDeadlineAlreadyPastDoesNotWait() throws Exception {
    ConnectionLimiter limiter = limiter(1, 1, U, U);
    limiter.acquire(NO_DEADLINE);
    assertThat(limiter.acquire(clock.nanos())).isSameAs(Permit.DEADLINE_EXCEEDED);
    assertThat(limiter.stats().pending()).isZero();
  }

  @Test
  void aGrantedWaiterCancelsItsWakeUp() throws Exception {
    ConnectionLimiter limiter = limiter(1, 1, U, U);
    Permit held = limiter.acquire(NO_DEADLINE);
    Future<Permit> waiter = acquireAsync(limiter, clock.nanos() + Duration.ofSeconds(5).toNanos());
    awaitPending(limiter, 1);
    held.release();
    assertThat(waiter.get(10, TimeUnit.SECONDS).granted()).isTrue();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void anInterruptedWaiterLeavesTheQueue() throws Exception {
    ConnectionLimiter limiter = limiter(1, 1, U, U);
    Permit held = limiter.acquire(NO_DEADLINE);
    Future<Permit> waiter = acquireAsync(limiter, NO_DEADLINE);
    awaitPending(limiter, 1);
    waiter.cancel(true);
    awaitPending(limiter, 0);
    held.release();
    assertThat(limiter.stats().active()).isZero();
  }

  @Test
  void raisingTheLimitAdmitsWaiters() throws Exception {
    ConnectionLimiter limiter = limiter(1, U, U, U);
    limiter.acquire(NO_DEADLINE);
    Future<Permit> waiter = acquireAsync(limiter, NO_DEADLINE);
    awaitPending(limiter, 1);
    limiter.reconfigure(new Limits(2, U, U, U));
    assertThat(waiter.get(10, TimeUnit.SECONDS).granted()).isTrue();
    assertThat(limiter.stats().active()).isEqualTo(2);
  }

  @Test
  void retriesAreCappedByMaxRetries() {
    ConnectionLimiter limiter = limiter(U, U, U, 2);
    assertThat(limiter.tryAcquireRetry()).isTrue();
    assertThat(limiter.tryAcquireRetry()).isTrue();
    assertThat(limiter.tryAcquireRetry()).as("a third concurrent retry is not made").isFalse();
    limiter.releaseRetry();
    assertThat(limiter.tryAcquireRetry()).isTrue();
    assertThat(limiter.stats().retries()).isEqualTo(2);
  }

  @Test
  void theUnlimitedLimiterNeverBlocksNorCounts() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter("c", Limits.of(null), clock, clock);
    List<Permit> permits = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      permits.add(limiter.acquire(NO_DEADLINE));
      assertThat(limiter.tryAcquireRetry()).isTrue();
    }
    assertThat(permits).allMatch(p -> p == Permit.UNLIMITED);
    assertThat(limiter.stats().active()).isZero();
    permits.forEach(Permit::release);
    assertThat(limiter.stats().active()).isZero();
  }

  @Test
  void releasingTwiceIsIgnored() throws Exception {
    ConnectionLimiter limiter = limiter(1, 1, U, U);
    Permit p = limiter.acquire(NO_DEADLINE);
    p.release();
    p.release();
    Permit.OVERFLOW.release();
    assertThat(limiter.stats().active()).isZero();
    limiter.acquire(NO_DEADLINE);
    assertThat(limiter.acquire(clock.nanos()).outcome()).isEqualTo(Outcome.DEADLINE_EXCEEDED);
  }

  @Test
  void limitsFollowIstio() {
    assertThat(Limits.of(null)).isEqualTo(Limits.NONE);
    ConnectionPoolSettings pool = new ConnectionPoolSettings(
        new ConnectionPoolSettings.Tcp(3, null, false, null, null),
        new ConnectionPoolSettings.Http(0, 10, null, null, null, null, null, null));
    assertThat(Limits.of(pool)).as("0 is unset for istiod").isEqualTo(new Limits(3, U, 10, U));
    assertThat(Limits.of(pool).unlimitedRequests()).isFalse();
    assertThat(Limits.of(new ConnectionPoolSettings(null, null)).unlimitedRequests()).isTrue();
  }

  @Test
  void underContentionWaitingPermitsNeverExceedTheConnectionLimit() throws Exception {
    int overflows = stress(limiter(4, U, U, U), 4);
    assertThat(overflows).as("an unbounded queue never overflows").isZero();
  }

  @Test
  void underContentionWithABoundedQueuePermitsNeverExceedTheLimit() throws Exception {
    stress(limiter(3, 2, U, U), 3);
  }

  @Test
  void underContentionMaxRequestsNeverExceeds() throws Exception {
    stress(limiter(U, U, 2, U), 2);
  }

  /**
   * Eight threads take and release permits 2,000 times each, all starting together; counts how
   * many permits were held at once and fails if the count ever exceeds the limit.
   */
  private int stress(ConnectionLimiter limiter, int limit) throws Exception {
    int nThreads = 8;
    int iterations = 2_000;
    AtomicInteger inUse = new AtomicInteger();
    AtomicInteger maxSeen = new AtomicInteger();
    AtomicInteger violations = new AtomicInteger();
    AtomicInteger overflows = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < nThreads; t++) {
      done.add(threads.submit(() -> {
        start.await();
        for (int i = 0; i < iterations; i++) {
          Permit p = limiter.acquire(NO_DEADLINE);
          if (!p.granted()) {
            overflows.incrementAndGet();
            continue;
          }
          int n = inUse.incrementAndGet();
          maxSeen.accumulateAndGet(n, Math::max);
          if (n > limit) {
            violations.incrementAndGet();
          }
          Thread.yield();
          inUse.decrementAndGet();
          p.release();
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(20, TimeUnit.SECONDS);
    }
    assertThat(violations.get()).isZero();
    assertThat(maxSeen.get()).isLessThanOrEqualTo(limit);
    assertThat(limiter.stats()).isEqualTo(new ConnectionLimiter.Stats(0, 0, 0));
    return overflows.get();
  }
}
