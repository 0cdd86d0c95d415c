package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Where a route sends traffic: a service host, optionally a subset and a port.
 *
 * @param host the service host as written (short names resolve against the config's namespace)
 * @param subset a subset defined by a DestinationRule for the host, or null for all endpoints
 * @param port the service port, or null when the service has a single port
 */
public record Destination(String host, @Nullable String subset, @Nullable Integer port) {

  public Destination {
    requireNonNull(host, "host");
  }

  /** All endpoints of {@code host} (Istio {@code destination: {host}}). */
  public static Destination of(String host) {
    return new Destination(host, null, null);
  }

  /** The subset {@code subset} of {@code host} (Istio {@code destination: {host, subset}}). */
  public static Destination of(String host, String subset) {
    return new Destination(host, requireNonNull(subset, "subset"), null);
  }

  /** This destination with another subset (null for all endpoints). */
  public Destination withSubset(@Nullable String subset) {
    return new Destination(host, subset, port);
  }

  /** A builder of a destination; the host is empty (and so invalid) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this destination. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.subset = subset;
    b.port = port;
    return b;
  }

  /**
   * Builds a {@link Destination}. Setters replace. No validation. Not thread-safe;
   * {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private String host = "";
    private @Nullable String subset;
    private @Nullable Integer port;

    private Builder() {}

    /**
     * Sets the service host; short names resolve against the config's namespace (Istio {@code
     * host}).
     */
    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /**
     * Sets the subset, defined by a DestinationRule for the host (Istio {@code subset}); empty
     * means unset (all endpoints), as in Istio.
     */
    public Builder subset(String subset) {
      this.subset = Builders.emptyIsUnset(subset, "subset");
      return this;
    }

    /** Sets the service port (Istio {@code port.number}); needed when the service has several. */
    public Builder port(int number) {
      this.port = number;
      return this;
    }

    /** The destination as set so far. */
    public Destination build() {
      return new Destination(host, subset, port);
    }
  }
}
