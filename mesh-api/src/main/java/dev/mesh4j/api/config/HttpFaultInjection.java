package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Fault injection on a route ({@code HTTPFaultInjection}): a delay, then an abort, each applied
 * to a percentage of requests.
 *
 * @param delay the delay, or null
 * @param abort the abort, or null
 */
public record HttpFaultInjection(@Nullable Delay delay, @Nullable Abort abort) {

  /**
   * Delays a share of requests before they are forwarded.
   *
   * @param fixedDelay how long to wait
   * @param percentage the share of requests delayed, 0..100; the deprecated integer
   *     {@code percent} field is folded in here; absent means 0 (nothing is delayed)
   */
  public record Delay(Duration fixedDelay, double percentage) {
    public Delay {
      requireNonNull(fixedDelay, "fixedDelay");
    }
  }

  /**
   * Answers a share of requests with an error instead of forwarding them.
   *
   * @param httpStatus the status to answer with, or null when a gRPC status is given
   * @param grpcStatus the gRPC status name (e.g. {@code UNAVAILABLE}), or null
   * @param percentage the share of requests aborted, 0..100; absent means 0
   */
  public record Abort(@Nullable Integer httpStatus, @Nullable String grpcStatus, double percentage) {}
}
