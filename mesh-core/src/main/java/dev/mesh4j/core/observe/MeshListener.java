package dev.mesh4j.core.observe;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.http.LocalReply;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Told what the mesh does with each application request. Every method has a no-op default;
 * override those you need.
 *
 * <h2>Events and their order</h2>
 *
 * For one request: {@link #requestStarted} first (before routing), then at most one
 * {@link #routed}, at most one {@link #destinationPicked}, any {@link #faultInjected}, then for
 * each attempt sent upstream a {@link #attemptStarted} / {@link #attemptEnded} pair (attempt 1,
 * then retries 2, 3, … — an attempt that ended may be followed by another), and finally exactly
 * one {@link #requestEnded} — when the application is done with the response body (read to the
 * end or closed) or when the request failed. A request answered locally ({@code NR}, {@code UH},
 * a fault abort, a redirect, …) has no attempts.
 *
 * <p>Within a request also: {@link #overflow} when a connection-pool limit sheds it,
 * {@link #retryDecided} after each attempt (and after a wait for a connection slot that timed
 * out), and {@link #localReply} when the mesh answers instead of an upstream (before
 * {@code requestEnded}).
 *
 * <p>Besides requests, the mesh reports what happens to it: {@link #endpointEjected} and
 * {@link #endpointReturned} (outlier detection), {@link #configApplied} and
 * {@link #configRejected} (a source's update), {@link #endpointsChanged} (a service's endpoints).
 * These are not tied to a request and arrive on the thread that caused them: a request's thread
 * for an ejection, the mesh's scheduler for a return, the thread that delivered an update.
 *
 * <h2>Threading</h2>
 *
 * Events of one request are delivered one at a time, in the order above, each visible to the
 * next (happens-before), but not necessarily on one thread: {@code requestEnded} runs on the
 * thread that finishes the response body. Events of different requests arrive concurrently, so
 * implementations must be thread-safe. They run on the request path: keep them fast, never
 * block, never throw. mesh4j calls every listener through a guard that logs and swallows what it
 * throws, so a faulty listener cannot break a request.
 *
 * <p>The {@link MeshCall} and {@link MeshAttempt} passed in are live views of the request; read
 * them during the event, do not keep them beyond {@code requestEnded}.
 */
public interface MeshListener {

  /** A listener that does nothing. */
  MeshListener NONE = new MeshListener() {
    @Override
    public String toString() {
      return "MeshListener.NONE";
    }
  };

  /** The request entered the mesh; {@link MeshCall#request()} already carries the context. */
  default void requestStarted(MeshCall call) {}

  /** Routing decided: {@link MeshCall#route()} holds the outcome, VirtualService and route. */
  default void routed(MeshCall call) {}

  /** A weighted destination was picked: {@link MeshCall#route()} now names its cluster. */
  default void destinationPicked(MeshCall call) {}

  /**
   * A fault was injected: {@code DI} (a delay, already waited) or {@code FI} (an abort, answered
   * locally).
   */
  default void faultInjected(MeshCall call, String flag) {}

  /** An attempt is about to be sent to {@link MeshAttempt#endpoint()}. */
  default void attemptStarted(MeshCall call, MeshAttempt attempt) {}

  /** An attempt got response headers, or failed before them. The request may retry. */
  default void attemptEnded(MeshCall call, MeshAttempt attempt) {}

  /** The request is over: status, flags, sizes and duration are final. */
  default void requestEnded(MeshCall call) {}

  /**
   * After an attempt ended (or a wait for a connection slot ran out, when {@code attempt} is
   * null): whether the request is sent again, and why (not).
   */
  default void retryDecided(MeshCall call, @Nullable MeshAttempt attempt, RetryDecision decision) {}

  /**
   * A connection-pool limit of the cluster shed the request (503 {@code UO}, or a retry not made):
   * {@code limit} names it ({@code maxConnections/http2MaxRequests}, {@code http1MaxPendingRequests},
   * {@code maxRetries}, {@code retryBudget}).
   */
  default void overflow(MeshCall call, String cluster, String limit) {}

  /**
   * The mesh answered the request itself — no route ({@code NR}), no healthy endpoint ({@code UH}),
   * a fault abort, a timeout, a redirect or direct response, … — with this reply.
   */
  default void localReply(MeshCall call, LocalReply reply) {}

  /** Outlier detection ejected an endpoint: the cluster's balancers skip it until it returns. */
  default void endpointEjected(EndpointEjection ejection) {}

  /** An ejected endpoint is back in its cluster's load balancing. */
  default void endpointReturned(EndpointEjection ejection) {}

  /** A source's update is in force. */
  default void configApplied(ConfigChange change) {}

  /** A source's update was refused (what served before keeps serving), or some of its resources were skipped. */
  default void configRejected(ConfigChange change) {}

  /** The endpoints of a service changed. */
  default void endpointsChanged(EndpointsChange change) {}

  /** A listener telling this one, then {@code next}, every event. */
  default MeshListener and(MeshListener next) {
    return of(List.of(this, requireNonNull(next, "next")));
  }

  /** A listener telling each of {@code listeners}, in order, every event. */
  static MeshListener of(List<MeshListener> listeners) {
    List<MeshListener> all = new ArrayList<>();
    for (MeshListener l : listeners) {
      requireNonNull(l, "listener");
      if (l instanceof CompositeListener c) {
        all.addAll(c.listeners());
      } else if (l != NONE) {
        all.add(l);
      }
    }
    return switch (all.size()) {
      case 0 -> NONE;
      case 1 -> all.get(0);
      default -> new CompositeListener(List.copyOf(all));
    };
  }
}
