package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A weighted destination of an HTTP route.
 *
 * @param destination where to send the request
 * @param weight the relative weight, or null when not given (one destination without a weight
 *     takes all traffic)
 * @param headers header manipulation for requests sent to this destination
 */
public record HttpRouteDestination(
    Destination destination, @Nullable Integer weight, Headers headers) {

  public HttpRouteDestination {
    requireNonNull(destination, "destination");
    headers = headers == null ? Headers.NONE : headers;
  }

  /** {@code destination} with {@code weight} and no header manipulation. */
  public static HttpRouteDestination of(Destination destination, int weight) {
    return new HttpRouteDestination(destination, weight, Headers.NONE);
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
    b.headers = headers;
    return b;
  }

  /**
   * Builds an {@link HttpRouteDestination}. Setters replace. No validation (weights are checked
   * by the mesh). Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private @Nullable Destination destination;
    private @Nullable Integer weight;
    private Headers headers = Headers.NONE;

    private Builder() {}

    /** Sets where requests go (Istio {@code destination}); required. */
    public Builder destination(Destination destination) {
      this.destination = requireNonNull(destination, "destination");
      return this;
    }

    /** Sets where requests go, built now (Istio {@code destination}); required. */
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

    /** Sets header manipulation for requests sent to this destination (Istio {@code headers}). */
    public Builder headers(Headers headers) {
      this.headers = requireNonNull(headers, "headers");
      return this;
    }

    /** Sets header manipulation, built now (Istio {@code headers}). */
    public Builder headers(Headers.Builder headers) {
      return headers(requireNonNull(headers, "headers").build());
    }

    /**
     * The weighted destination as set so far.
     *
     * @throws IllegalStateException if no destination was set
     */
    public HttpRouteDestination build() {
      return new HttpRouteDestination(
          Builders.required(destination, "HttpRouteDestination", "destination"), weight, headers);
    }
  }
}
