package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Fault injection on a route ({@code HTTPFaultInjection}): a delay, then an abort, each applied
 * to a percentage of requests.
 *
 * <p>Built in code, bookinfo's {@code virtual-service-ratings-test-delay.yaml} fault reads:
 *
 * <pre>{@code
 * HttpFaultInjection fault = HttpFaultInjection.builder()
 *     .delay(Delay.builder().percentage(100).fixedDelay(Duration.ofSeconds(7)))
 *     .build();
 * }</pre>
 *
 * @param delay the delay, or null
 * @param abort the abort, or null
 */
public record HttpFaultInjection(@Nullable Delay delay, @Nullable Abort abort) {

  /** A builder of fault injection that, until given a delay or an abort, injects nothing. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this fault injection. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.delay = delay;
    b.abort = abort;
    return b;
  }

  /** Builds an {@link HttpFaultInjection}. Setters replace. No validation. Not thread-safe. */
  public static final class Builder {
    private @Nullable Delay delay;
    private @Nullable Abort abort;

    private Builder() {}

    /** Sets the delay injected before forwarding (Istio {@code delay}). */
    public Builder delay(Delay delay) {
      this.delay = requireNonNull(delay, "delay");
      return this;
    }

    /** Sets the delay injected before forwarding, built now (Istio {@code delay}). */
    public Builder delay(Delay.Builder delay) {
      return delay(requireNonNull(delay, "delay").build());
    }

    /** Sets the abort answered instead of forwarding (Istio {@code abort}). */
    public Builder abort(Abort abort) {
      this.abort = requireNonNull(abort, "abort");
      return this;
    }

    /** Sets the abort answered instead of forwarding, built now (Istio {@code abort}). */
    public Builder abort(Abort.Builder abort) {
      return abort(requireNonNull(abort, "abort").build());
    }

    /** The fault injection as set so far. */
    public HttpFaultInjection build() {
      return new HttpFaultInjection(delay, abort);
    }
  }

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

    /**
     * A builder of a delay of no request: as in Istio, the percentage is 0 until set;
     * {@link Builder#fixedDelay(Duration)} is required.
     */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder pre-filled with this delay. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.fixedDelay = fixedDelay;
      b.percentage = percentage;
      return b;
    }

    /** Builds a {@link Delay}. Setters replace. No validation. Not thread-safe. */
    public static final class Builder {
      private @Nullable Duration fixedDelay;
      private double percentage;

      private Builder() {}

      /** Sets how long a delayed request waits (Istio {@code fixedDelay}); required. */
      public Builder fixedDelay(Duration fixedDelay) {
        this.fixedDelay = requireNonNull(fixedDelay, "fixedDelay");
        return this;
      }

      /**
       * Sets the share of requests delayed, 0..100 (Istio {@code percentage.value}); 0 unless set.
       */
      public Builder percentage(double percentage) {
        this.percentage = percentage;
        return this;
      }

      /**
       * The delay as set so far.
       *
       * @throws IllegalStateException if no fixed delay was set
       */
      public Delay build() {
        return new Delay(Builders.required(fixedDelay, "Delay", "fixedDelay"), percentage);
      }
    }
  }

  /**
   * Answers a share of requests with an error instead of forwarding them.
   *
   * @param httpStatus the status to answer with, or null when a gRPC status is given
   * @param grpcStatus the gRPC status name (e.g. {@code UNAVAILABLE}), or null
   * @param percentage the share of requests aborted, 0..100; absent means 0
   */
  public record Abort(@Nullable Integer httpStatus, @Nullable String grpcStatus, double percentage) {

    /** A builder of an abort of no request: as in Istio, the percentage is 0 until set. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder pre-filled with this abort. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.httpStatus = httpStatus;
      b.grpcStatus = grpcStatus;
      b.percentage = percentage;
      return b;
    }

    /**
     * Builds an {@link Abort}. Setters replace. No validation (Istio allows one of
     * {@code httpStatus} and {@code grpcStatus}; the mesh checks). Not thread-safe.
     */
    public static final class Builder {
      private @Nullable Integer httpStatus;
      private @Nullable String grpcStatus;
      private double percentage;

      private Builder() {}

      /** Sets the HTTP status answered (Istio {@code httpStatus}). */
      public Builder httpStatus(int httpStatus) {
        this.httpStatus = httpStatus;
        return this;
      }

      /** Sets the gRPC status answered, e.g. {@code UNAVAILABLE} (Istio {@code grpcStatus}). */
      public Builder grpcStatus(String grpcStatus) {
        this.grpcStatus = requireNonNull(grpcStatus, "grpcStatus");
        return this;
      }

      /**
       * Sets the share of requests aborted, 0..100 (Istio {@code percentage.value}); 0 unless set.
       */
      public Builder percentage(double percentage) {
        this.percentage = percentage;
        return this;
      }

      /** The abort as set so far. */
      public Abort build() {
        return new Abort(httpStatus, grpcStatus, percentage);
      }
    }
  }
}
