package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A weighted destination of a {@link TlsRoute} or {@link TcpRoute} (Istio {@code RouteDestination}):
 * where connections go, and their share. Unlike an HTTP route's destination it has no header
 * manipulation, as a connection carries no headers the mesh may change.
 *
 * @param destination where to send the connection
 * @param weight the relative weight, or null when not given (one destination without a weight
 *     takes all traffic)
 */
public record RouteDestination(Destination destination, @Nullable Integer weight) {

  public RouteDestination {
    requireNonNull(destination, "destination");
  }

  /** All connections to {@code destination} (Istio {@code route: [{destination}]}). */
  public static RouteDestination of(Destination destination) {
    return new RouteDestination(destination, null);
  }

  /** {@code destination} with {@code weight} (Istio {@code route: [{destination, weight}]}). */
  public static RouteDestination of(Destination destination, int weight) {
    return new RouteDestination(destination, weight);
  }

  /** A builder of a weighted destination; {@link Builder#destination(Destination)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this weighted destination. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.destination = destination;
    b.weight = weight;
    return b;
  }

  /**
   * Builds a {@link RouteDestination}. Setters replace. No validation (weights are checked by the
   * mesh). Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private @Nullable Destination destination;
    private @Nullable Integer weight;

    private Builder() {}

    /** Sets where connections go (Istio {@code destination}); required. */
    public Builder destination(Destination destination) {
      this.destination = requireNonNull(destination, "destination");
      return this;
    }

    /** Sets where connections go, built now (Istio {@code destination}); required. */
    public Builder destination(Destination.Builder destination) {
      return destination(requireNonNull(destination, "destination").build());
    }

    /**
     * Sets the relative weight (Istio {@code weight}); unset, a single destination takes all
     * traffic.
     */
    public Builder weight(int weight) {
      this.weight = weight;
      return this;
    }

    /**
     * The weighted destination as set so far.
     *
     * @throws IllegalStateException if no destination was set
     */
    public RouteDestination build() {
      return new RouteDestination(Builders.required(destination, "RouteDestination", "destination"), weight);
    }
  }
}
