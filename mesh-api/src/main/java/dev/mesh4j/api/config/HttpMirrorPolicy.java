package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A mirror destination: a copy of each selected request is sent there, fire and forget.
 *
 * @param destination where copies go
 * @param percentage the share of requests mirrored, 0..100 (100 when not given)
 */
public record HttpMirrorPolicy(Destination destination, double percentage) {
  public HttpMirrorPolicy {
    requireNonNull(destination, "destination");
  }

  /**
   * A builder of a mirror of every request; {@link Builder#destination(Destination)} is required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this mirror. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.destination = destination;
    b.percentage = percentage;
    return b;
  }

  /** Builds an {@link HttpMirrorPolicy}. Setters replace. No validation. Not thread-safe. */
  public static final class Builder {
    private @Nullable Destination destination;
    private double percentage = 100;

    private Builder() {}

    /** Sets where copies go (Istio {@code destination}); required. */
    public Builder destination(Destination destination) {
      this.destination = requireNonNull(destination, "destination");
      return this;
    }

    /** Sets where copies go, built now (Istio {@code destination}); required. */
    public Builder destination(Destination.Builder destination) {
      return destination(requireNonNull(destination, "destination").build());
    }

    /**
     * Sets the share of requests mirrored, 0..100 (Istio {@code percentage.value}); 100 unless set.
     */
    public Builder percentage(double percentage) {
      this.percentage = percentage;
      return this;
    }

    /**
     * The mirror as set so far.
     *
     * @throws IllegalStateException if no destination was set
     */
    public HttpMirrorPolicy build() {
      return new HttpMirrorPolicy(
          Builders.required(destination, "HttpMirrorPolicy", "destination"), percentage);
    }
  }
}
