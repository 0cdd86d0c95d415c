package dev.mesh4j.core.internal.resilience;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The circuit-breaker thresholds of one cluster ({@code connectionPool}), as Envoy applies them
 * to an HTTP/1.1 cluster; mesh4j counts them per cluster inside this process, as a sidecar counts
 * them per proxy (SPEC §9).
 *
 * <ul>
 *   <li>{@code tcp.maxConnections}: the most requests holding a connection at once (HTTP/1.1
 *       carries one request per connection). When all are busy a request becomes pending.
 *   <li>{@code http.http1MaxPendingRequests}: the most pending requests. A pending request blocks
 *       its caller until a connection frees or the caller's deadline passes; requests are served
 *       in arrival order (a released permit is handed to the oldest waiter, and newcomers queue
 *       behind waiters instead of overtaking them). Beyond the limit a request overflows at once.
 *   <li>{@code http.http2MaxRequests}: the most requests in flight. Envoy checks it when a request
 *       gets a connection, so a request over it overflows at once rather than waiting; when it is
 *       not below {@code maxConnections} it never binds and requests wait for connections instead.
 *   <li>{@code http.maxRetries}: the most retries in flight ({@link #tryAcquireRetry()}); a retry
 *       that cannot get one is not made.
 *   <li>{@code retryBudget}, when the policy has one, instead of {@code maxRetries} (Envoy's
 *       {@code RetryBudgetImpl}): the most retries in flight are {@code percent}% of the requests
 *       in flight plus those waiting for a connection, rounded down, but never fewer than
 *       {@code minRetryConcurrency} ({@link Limits#retryLimit(int)}).
 * </ul>
 *
 * <p>Istio's default for each limit is 2^32−1, and istiod passes only values above 0, so unset
 * or 0 means unlimited (as does any value of 2^31−1 or more, the model's ceiling). An unlimited
 * request limit costs one volatile read per request: no lock, no shared counter, no allocation
 * ({@link Permit#UNLIMITED} is shared). A cluster with a retry budget but no request limit
 * counts its requests in flight for the budget: one atomic increment and decrement per attempt,
 * still without a lock or an allocation ({@link #counted}, shared by the cluster's attempts).
 * Retries are always counted (they are rare) so that the count stays right if a reload
 * introduces a limit.
 *
 * <p>Differences from a sidecar: Envoy queues a pending request on its chosen endpoint's pool and
 * always allows one connection per endpoint; here a pending request waits for any connection
 * slot of the cluster (so acquire the permit before picking the endpoint). Over HTTP/2 Envoy
 * multiplexes requests on few connections; mesh4j still counts {@code maxConnections} as
 * concurrent requests. A reload that changes the limits applies them at once to the same
 * counters (Envoy starts a new cluster with fresh counters); raising a limit admits waiters.
 *
 * <p>Why not Resilience4j's {@code Bulkhead}: its semaphore bulkhead lets every caller wait up to
 * one fixed {@code maxWaitDuration}, with no bound on how many wait — Envoy bounds the queue
 * ({@code http1MaxPendingRequests}) and overflows at once past it, and has a second limit
 * ({@code http2MaxRequests}) that overflows without queueing; the wait here is bounded by each
 * request's own deadline (route or per-try timeout), measured on the injected {@link Ticker} and
 * woken through the injected {@link Scheduler} so tests run in virtual time, where the bulkhead
 * waits on {@code System.nanoTime}; shrinking its limit ({@code changeConfig}) blocks the
 * reloading thread until permits return; and its thread-pool variant, which does bound a queue,
 * runs calls on its own threads, while mesh4j runs them on the caller's. Retry limits have no
 * bulkhead counterpart at all.
 *
 * <p>Threading: thread-safe. The grant and release paths are a CAS on one counter while nobody
 * waits; waiting and handing permits to waiters take a fair-ordered lock.
 */
public final class ConnectionLimiter {
  /** A deadline meaning "wait as long as it takes". */
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  private final String name;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private volatile Limits limits;
  /** Requests holding a permit (granted while the cluster had a request limit or a retry budget). */
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  /** Waiters queued; written under lock, read without it to skip the lock when nobody waits. */
  private volatile int waiting;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  /**
   * The permit of every attempt while requests are unlimited but counted for a retry budget:
   * shared, so counting allocates nothing; each release gives back one unit of {@code active}.
   */
  private final Permit counted = new Permit(this, true);

  public ConnectionLimiter(String name, Limits limits, Ticker ticker, Scheduler scheduler) {
    this.name = requireNonNull(name, "name");
    this.limits = requireNonNull(limits, "limits");
    this.ticker = requireNonNull(ticker, "ticker");
    this.scheduler = requireNonNull(scheduler, "scheduler");
  }

  /**
   * Takes a permit for one attempt: at once if a connection is free, else by waiting in line
   * until one frees or {@code deadlineNanos} (on the mesh's {@link Ticker}) passes.
   *
   * @param deadlineNanos when to give up waiting, or {@link #NO_DEADLINE}
   * @return a granted permit (release it exactly once when the attempt ends, including its
   *     response body), or {@link Permit#OVERFLOW} (answer 503 {@code UO}; never retried), or
   *     {@link Permit#DEADLINE_EXCEEDED} (the wait outlived the deadline: a timeout)
   * @throws InterruptedException if the caller is interrupted while waiting
   */
  public Permit acquire(long deadlineNanos) throws InterruptedException {
    Limits l = limits;
    if (l.unlimitedRequests()) {
      if (l.retryBudget() == null) {
        return Permit.UNLIMITED;
      }
      active.incrementAndGet();
      return counted;
    }
    if (waiting == 0 && tryTake(l.concurrency())) {
      return new Permit(this);
    }
    if (!l.queues()) {
      return Permit.OVERFLOW;
    }
    return acquireSlow(deadlineNanos);
  }

  private Permit acquireSlow(long deadline) throws InterruptedException {
    Waiter w;
    Scheduler.Cancellable wakeUp = null;
    lock.lock();
    try {
      Limits l = limits;
      if (waiters.isEmpty() && tryTake(l.concurrency())) {
        return new Permit(this);
      }
      if (waiters.size() >= l.maxPending()) {
        return Permit.QUEUE_FULL;
      }
      if (deadline != NO_DEADLINE && deadline - ticker.nanos() <= 0) {
        return Permit.DEADLINE_EXCEEDED;
      }
      w = new Waiter(lock.newCondition());
      waiters.addLast(w);
      waiting = waiters.size();
      // A permit released between the fast path and here saw waiting == 0 and was not handed
      // over: take it now if this waiter is first in line.
      dispatch();
      if (!w.granted && deadline != NO_DEADLINE) {
        // Wakes the waiter when the deadline passes in the ticker's time (virtual time in tests).
        Waiter target = w;
        wakeUp = scheduler.schedule(Duration.ofNanos(deadline - ticker.nanos()), () -> signal(target));
      }
      try {
        while (!w.granted) {
          if (deadline == NO_DEADLINE) {
            w.condition.await();
            continue;
          }
          long remaining = deadline - ticker.nanos();
          if (remaining <= 0) {
            leave(w);
            return Permit.DEADLINE_EXCEEDED;
          }
          w.condition.awaitNanos(remaining);
        }
        return new Permit(this);
      } catch (InterruptedException e) {
        if (w.granted) {
          releasePermit();
        } else {
          leave(w);
        }
        throw e;
      }
    } finally {
      lock.unlock();
      if (wakeUp != null) {
        wakeUp.cancel();
      }
    }
  }

  /** Takes one unit of {@code active} if below {@code limit}. */
  private boolean tryTake(int limit) {
    for (int a = active.get(); a < limit; a = active.get()) {
      if (active.compareAndSet(a, a + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Hands free permits to waiters, oldest first. Holds lock. */
  private void dispatch() {
    Waiter head;
    while ((head = waiters.peekFirst()) != null && tryTake(limits.concurrency())) {
      waiters.pollFirst();
      waiting = waiters.size();
      head.granted = true;
      head.condition.signal();
    }
  }

  /** Removes a waiter that gives up. Holds lock. */
  private void leave(Waiter w) {
    waiters.remove(w);
    waiting = waiters.size();
  }

  private void signal(Waiter w) {
    lock.lock();
    try {
      w.condition.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Returns a permit granted by this limiter: to the oldest waiter if any, else to the pool. */
  void releasePermit() {
    active.decrementAndGet();
    // Pairs with the waiter's "waiting = …; dispatch()": either it saw this decrement, or this
    // read sees it queued.
    if (waiting > 0) {
      lock.lock();
      try {
        dispatch();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Takes a retry permit: false when the retries in flight have reached the limit
   * ({@code maxRetries}, or the retry budget's limit for the requests now in flight and waiting),
   * and then the retry is not made. Hold it from the retry decision until the retried attempt
   * ends, then call {@link #releaseRetry()} once. Lock-free: a few volatile reads and a CAS.
   */
  public boolean tryAcquireRetry() {
    Limits l = limits;
    for (int r = retries.get(); ; r = retries.get()) {
      // Envoy reads the request counts anew on each check, so the budget follows the load.
      int max = l.retryBudget() == null ? l.maxRetries() : l.retryLimit(active.get() + waiting);
      if (r >= max) {
        return false;
      }
      if (retries.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /**
   * The setting that limits retries now, as overflow events and metrics name it:
   * {@code retryBudget} or {@code maxRetries}.
   */
  public String retryLimitName() {
    return limits.retryBudget() == null ? "maxRetries" : "retryBudget";
  }

  /** Returns a retry permit taken by {@link #tryAcquireRetry()}. */
  public void releaseRetry() {
    retries.decrementAndGet();
  }

  /** Applies a reload's limits to the same counters; waiters are admitted if the limit grew. */
  public void reconfigure(Limits next) {
    requireNonNull(next, "next");
    lock.lock();
    try {
      limits = next;
      if (next.unlimitedRequests()) {
        // New permits are no longer counted; let every waiter go.
        Waiter w;
        while ((w = waiters.pollFirst()) != null) {
          active.incrementAndGet();
          w.granted = true;
          w.condition.signal();
        }
        waiting = 0;
      } else {
        dispatch();
      }
    } finally {
      lock.unlock();
    }
  }

  public String name() {
    return name;
  }

  public Limits limits() {
    return limits;
  }

  /** Counts now, for explain and tests. */
  public Stats stats() {
    return new Stats(active.get(), waiting, retries.get());
  }

  /**
   * Counts of a limiter at one moment.
   *
   * @param active requests holding a counted permit (0 while requests are unlimited)
   * @param pending requests waiting for a connection
   * @param retries retries in flight
   */
  public record Stats(int active, int pending, int retries) {}

  @Override
  public String toString() {
    return "ConnectionLimiter[" + name + ": " + limits + "]";
  }

  private static final class Waiter {
    final Condition condition;
    boolean granted;

    Waiter(Condition condition) {
      this.condition = condition;
    }
  }

  /**
   * A right to send one attempt, or the reason there is none. Release a granted permit exactly
   * once when the attempt is over (a second release is ignored, except on the shared counting
   * permit); releasing a refusal does nothing.
   */
  public static final class Permit {
    /** The permit of a cluster without a request limit: shared, nothing to release. */
    public static final Permit UNLIMITED = new Permit(Outcome.GRANTED, "");
    /**
     * No permit: every connection slot is taken and the cluster queues no request; the request
     * fails at once with 503 {@code UO}.
     */
    public static final Permit OVERFLOW = new Permit(Outcome.OVERFLOW, "maxConnections/http2MaxRequests");
    /** No permit: every slot is taken and the queue of waiting requests is full (503 {@code UO}). */
    public static final Permit QUEUE_FULL = new Permit(Outcome.OVERFLOW, "http1MaxPendingRequests");
    /** No permit: the deadline passed while waiting for a connection. */
    public static final Permit DEADLINE_EXCEEDED = new Permit(Outcome.DEADLINE_EXCEEDED, "");

    private static final AtomicIntegerFieldUpdater<Permit> RELEASED =
        AtomicIntegerFieldUpdater.newUpdater(Permit.class, "released");

    private final @Nullable ConnectionLimiter owner;
    private final Outcome outcome;
    private final String limit;
    /** Whether this permit is the limiter's shared counting permit ({@link #counted}). */
    private final boolean shared;
    private volatile int released;

    private Permit(Outcome outcome, String limit) {
      this.owner = null;
      this.outcome = outcome;
      this.limit = limit;
      this.shared = false;
    }

    Permit(ConnectionLimiter owner) {
      this(owner, false);
    }

    private Permit(ConnectionLimiter owner, boolean shared) {
      this.owner = owner;
      this.outcome = Outcome.GRANTED;
      this.limit = "";
      this.shared = shared;
    }

    /** For an overflow, the connection-pool setting that caused it; else empty. */
    public String limit() {
      return limit;
    }

    public Outcome outcome() {
      return outcome;
    }

    public boolean granted() {
      return outcome == Outcome.GRANTED;
    }

    /**
     * Gives the connection slot back; the oldest waiter, if any, gets it. Idempotent, except for
     * the shared permit of a cluster that counts requests only for its retry budget, where each
     * call gives back one request (the engine releases each attempt's permit once).
     */
    public void release() {
      if (owner == null) {
        return;
      }
      if (shared) {
        owner.releasePermit();
      } else if (RELEASED.compareAndSet(this, 0, 1)) {
        owner.releasePermit();
      }
    }

    @Override
    public String toString() {
      return outcome.toString();
    }
  }

  /** What {@link #acquire} decided. */
  public enum Outcome {
    GRANTED,
    /** Envoy's overflow: 503, flag {@code UO}, {@code x-envoy-overloaded: true}. */
    OVERFLOW,
    /** The caller's deadline passed while the request was pending. */
    DEADLINE_EXCEEDED
  }

  /**
   * The thresholds of a cluster. {@link Integer#MAX_VALUE} means unlimited.
   *
   * @param maxConnections {@code tcp.maxConnections}
   * @param maxPending {@code http.http1MaxPendingRequests}
   * @param maxRequests {@code http.http2MaxRequests}
   * @param maxRetries {@code http.maxRetries}; not applied while there is a retry budget
   * @param retryBudget the retry budget, or null for none
   */
  public record Limits(int maxConnections, int maxPending, int maxRequests, int maxRetries,
      @Nullable Budget retryBudget) {
    public static final int UNLIMITED = Integer.MAX_VALUE;
    /** Istio's defaults: everything unlimited, no retry budget. */
    public static final Limits NONE = new Limits(UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED);

    public Limits {
      if (maxConnections < 1 || maxPending < 1 || maxRequests < 1 || maxRetries < 1) {
        throw new IllegalArgumentException("limits must be >= 1 (Integer.MAX_VALUE = unlimited): " + this);
      }
    }

    /** Thresholds without a retry budget. */
    public Limits(int maxConnections, int maxPending, int maxRequests, int maxRetries) {
      this(maxConnections, maxPending, maxRequests, maxRetries, null);
    }

    /** The limits of a cluster's merged policy: its {@code connectionPool} and {@code retryBudget}. */
    public static Limits forPolicy(TrafficPolicy policy) {
      Limits pool = of(policy.connectionPool());
      TrafficPolicy.RetryBudget b = policy.retryBudget();
      return b == null ? pool : pool.withRetryBudget(Budget.of(b));
    }

    /** The limits of a merged {@code connectionPool}, or {@link #NONE} for null. */
    public static Limits of(@Nullable ConnectionPoolSettings pool) {
      if (pool == null) {
        return NONE;
      }
      ConnectionPoolSettings.Tcp tcp = pool.tcp();
      ConnectionPoolSettings.Http http = pool.http();
      return new Limits(
          limit(tcp == null ? null : tcp.maxConnections()),
          limit(http == null ? null : http.http1MaxPendingRequests()),
          limit(http == null ? null : http.http2MaxRequests()),
          limit(http == null ? null : http.maxRetries()));
    }

    /** These thresholds with {@code budget} limiting retries. */
    public Limits withRetryBudget(@Nullable Budget budget) {
      return new Limits(maxConnections, maxPending, maxRequests, maxRetries, budget);
    }

    /**
     * The most retries in flight while {@code requests} requests are in flight or waiting for a
     * connection: the budget's limit, or {@code maxRetries} without a budget.
     */
    public int retryLimit(int requests) {
      return retryBudget == null ? maxRetries : retryBudget.limit(requests);
    }

    /** istiod applies only values above 0; the rest keep the default 2^32−1. */
    private static int limit(@Nullable Integer v) {
      return v == null || v <= 0 ? UNLIMITED : v;
    }

    /** Whether requests are not limited at all (neither connections nor requests). */
    public boolean unlimitedRequests() {
      return maxConnections == UNLIMITED && maxRequests == UNLIMITED;
    }

    /** The most requests holding a permit at once. */
    int concurrency() {
      return Math.min(maxConnections, maxRequests);
    }

    /** Whether a request finding no free slot may wait: connections, not requests, bind. */
    boolean queues() {
      return maxConnections <= maxRequests;
    }

    @Override
    public String toString() {
      return "maxConnections " + show(maxConnections) + ", http1MaxPendingRequests " + show(maxPending)
          + ", http2MaxRequests " + show(maxRequests) + ", maxRetries " + show(maxRetries)
          + (retryBudget == null ? "" : " (not applied: " + retryBudget + ")");
    }

    private static String show(int v) {
      return v == UNLIMITED ? "unlimited" : Integer.toString(v);
    }
  }

  /**
   * A retry budget as Envoy applies it ({@code CircuitBreakers.Thresholds.RetryBudget}).
   *
   * @param percent the share of requests in flight and waiting that may be retries, 0..100
   * @param minRetryConcurrency the retries allowed in flight whatever the load, {@code >= 0}
   */
  public record Budget(double percent, int minRetryConcurrency) {
    public Budget {
      if (!(percent >= 0 && percent <= 100) || minRetryConcurrency < 0) {
        throw new IllegalArgumentException("retry budget out of range: " + percent + "%, " + minRetryConcurrency);
      }
    }

    /** Istio's translation: unset {@code percent} is 20, unset (or 0) {@code minRetryConcurrency} 3. */
    public static Budget of(TrafficPolicy.RetryBudget b) {
      Double percent = b.percent();
      Integer min = b.minRetryConcurrency();
      return new Budget(percent == null ? TrafficPolicy.RetryBudget.DEFAULT_PERCENT : percent,
          min == null || min <= 0 ? TrafficPolicy.RetryBudget.DEFAULT_MIN_RETRY_CONCURRENCY : min);
    }

    /**
     * The most retries in flight while {@code requests} requests are in flight or waiting, as
     * Envoy computes it: {@code max(percent / 100 × requests, minRetryConcurrency)}, the product
     * rounded down.
     */
    public int limit(int requests) {
      long share = (long) (percent / 100.0 * requests);
      return (int) Math.min(Integer.MAX_VALUE, Math.max(share, minRetryConcurrency));
    }

    @Override
    public String toString() {
      return "retryBudget " + BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString()
          + "% (min " + minRetryConcurrency + ")";
    }
  }
}
