package dev.mesh4j.core.internal.identity;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.api.spi.IdentitySource;
import dev.mesh4j.core.internal.common.Quoting;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's workload identity: the one its {@link IdentitySource} delivered last, or why there
 * is none. Requests read {@link #identity()} (one volatile read) when they need it; a missing
 * identity fails them closed with {@link #whyNone()}.
 *
 * <p>A delivered identity serves until a newer one arrives or its certificate expires: an
 * {@link #unavailable} report (a rotation that went wrong) keeps it, and is logged once per
 * reason. At the certificate's {@code notAfter} (on the mesh's clock and scheduler) an identity
 * that was not replaced is dropped, so requests fail with a message saying so rather than with
 * handshakes a peer refuses. A certificate delivered before its {@code notBefore} (beyond
 * {@link #CLOCK_SKEW}) does not replace the identity in force until then, for the same reason. Thread-safe: updates are serialized; readers see one consistent
 * identity.
 */
public final class IdentityState implements IdentitySource.Context {
  private static final Logger log = LoggerFactory.getLogger(IdentityState.class);
  /**
   * How far ahead of this clock a certificate's {@code notBefore} may be and the certificate still
   * be put in force at once: the CA's clock and the peers' are not exactly this one.
   */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
  static final String NOT_CONFIGURED = "no workload identity is configured (Mesh.builder().identity(...),"
      + " or the Spring Boot property mesh.identity.enabled)";

  private final @Nullable IdentitySource source;
  private final Workload workload;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final Clock clock;
  private final List<Consumer<WorkloadIdentity>> watchers = new CopyOnWriteArrayList<>();
  private volatile @Nullable WorkloadIdentity identity;
  /** Why there is no identity (when {@code identity} is null). */
  private volatile String whyNone;
  // Guarded by this.
  private Scheduler.@Nullable Cancellable expiry;
  /** A delivered identity whose certificate is not valid yet, put in force when it is. */
  private @Nullable WorkloadIdentity early;
  private Scheduler.@Nullable Cancellable earlyStart;
  private @Nullable String lastProblem;
  private boolean closed;

  /**
   * @param source where identities come from, or null when none is configured (auto mTLS is then
   *     off, and {@code ISTIO_MUTUAL} fails closed)
   */
  public IdentityState(@Nullable IdentitySource source, Workload workload, Scheduler scheduler, Ticker ticker,
      Clock clock) {
    this.source = source;
    this.workload = workload;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.clock = clock;
    this.whyNone = source == null ? NOT_CONFIGURED
        : "no workload identity yet: " + source.name() + " has not delivered one";
  }

  /** Starts the source, if any: it may deliver an identity before this returns. */
  public void start() {
    if (source != null) {
      source.start(this);
    }
  }

  /** Whether an identity source is configured (auto mTLS applies only then). */
  public boolean configured() {
    return source != null;
  }

  /** The identity in force, or null. */
  public @Nullable WorkloadIdentity identity() {
    return identity;
  }

  /** Why there is no identity in force, for 503 {@code UF} bodies and {@code explain()}. */
  public String whyNone() {
    return whyNone;
  }

  /** The source's name, or null when none is configured. */
  public @Nullable String sourceName() {
    return source == null ? null : source.name();
  }

  /**
   * Calls {@code watcher} with the identity in force now (if any) and with every later one, on
   * the thread that delivers it. Watchers must be quick and must not throw.
   */
  public void watch(Consumer<WorkloadIdentity> watcher) {
    requireNonNull(watcher, "watcher");
    synchronized (this) {
      watchers.add(watcher);
      WorkloadIdentity now = identity;
      if (now != null) {
        notify(watcher, now);
      }
    }
  }

  @Override
  public void update(WorkloadIdentity next) {
    update(next, true);
  }

  /** @param holdBack whether to hold back a certificate that is not valid yet (not when its time came) */
  private void update(WorkloadIdentity next, boolean holdBack) {
    requireNonNull(next, "identity");
    synchronized (this) {
      if (closed || next == identity) {
        return;
      }
      Instant now = clock.instant();
      if (!next.notAfter().isAfter(now)) {
        unavailableLocked("the certificate delivered (" + next + ") has already expired");
        return;
      }
      if (earlyStart != null) {
        earlyStart.cancel();
        earlyStart = null;
        early = null;
      }
      Instant notBefore = next.certificate().getNotBefore().toInstant();
      if (holdBack && notBefore.isAfter(now.plus(CLOCK_SKEW))) {
        // Peers would refuse it until then: the identity in force (if any) keeps serving.
        unavailableLocked("the certificate delivered (" + next + ") is not valid before " + notBefore
            + "; it is put in force then");
        early = next;
        earlyStart = scheduler.schedule(Duration.between(now, notBefore), () -> startEarly(next));
        return;
      }
      WorkloadIdentity previous = identity;
      identity = next;
      lastProblem = null;
      if (expiry != null) {
        expiry.cancel();
      }
      expiry = scheduler.schedule(Duration.between(now, next.notAfter()), () -> expire(next));
      if (previous == null) {
        log.info("mesh4j: workload identity {} from {}", next, source == null ? "code" : source.name());
      } else {
        log.info("mesh4j: workload identity rotated: {} (was {}); new connections present it", next, previous);
      }
      for (Consumer<WorkloadIdentity> w : watchers) {
        notify(w, next);
      }
    }
  }

  /** Puts a certificate that was delivered before its {@code notBefore} in force, if still the latest. */
  private void startEarly(WorkloadIdentity next) {
    synchronized (this) {
      if (early != next) {
        return;
      }
      early = null;
      earlyStart = null;
    }
    update(next, false);
  }

  @Override
  public void unavailable(String reason) {
    requireNonNull(reason, "reason");
    synchronized (this) {
      if (!closed) {
        unavailableLocked(reason);
      }
    }
  }

  private void unavailableLocked(String reason) {
    String why = Quoting.escapeControls(reason);
    boolean again = why.equals(lastProblem);
    lastProblem = why;
    WorkloadIdentity current = identity;
    if (current == null) {
      whyNone = "no workload identity: " + why;
      if (!again) {
        log.warn("mesh4j: {}; requests that need mutual TLS fail until one is delivered", whyNone);
      }
    } else if (!again) {
      log.warn("mesh4j: keeping workload identity {}: a new one could not be used: {}", current, why);
    }
  }

  /** The certificate's end of validity: drop the identity unless a newer one replaced it. */
  private void expire(WorkloadIdentity expired) {
    synchronized (this) {
      if (closed || identity != expired) {
        return;
      }
      identity = null;
      whyNone = "the workload certificate " + expired + " has expired and no usable new one was delivered"
          + (lastProblem == null ? "" : " (last problem: " + lastProblem + ")");
      log.error("mesh4j: {}; requests that need mutual TLS fail until one is delivered", whyNone);
    }
  }

  private static void notify(Consumer<WorkloadIdentity> watcher, WorkloadIdentity identity) {
    try {
      watcher.accept(identity);
    } catch (RuntimeException e) {
      log.warn("mesh4j: a workload identity watcher failed", e);
    }
  }

  /** Stops the source and the expiry timer. */
  public void close() {
    synchronized (this) {
      closed = true;
      if (expiry != null) {
        expiry.cancel();
      }
      if (earlyStart != null) {
        earlyStart.cancel();
      }
    }
    if (source != null) {
      try {
        source.close();
      } catch (RuntimeException e) {
        log.warn("mesh4j: closing identity source {} failed", source.name(), e);
      }
    }
  }

  @Override
  public Workload workload() {
    return workload;
  }

  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public Clock clock() {
    return clock;
  }
}
