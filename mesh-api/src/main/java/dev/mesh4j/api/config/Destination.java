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

  public static Destination of(String host) {
    return new Destination(host, null, null);
  }

  public Destination withSubset(@Nullable String subset) {
    return new Destination(host, subset, port);
  }
}
