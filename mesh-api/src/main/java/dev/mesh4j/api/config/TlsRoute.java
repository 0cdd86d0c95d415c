package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A route for TLS connections the application opens itself (Istio {@code TLSRoute}): an
 * {@code https} call to a service port whose protocol is {@code HTTPS} or {@code TLS}. It is chosen
 * by the server name the application sends (its URL's host) and the port, and sends the connection
 * to a weighted destination with the application's TLS untouched — its server name, trust and
 * certificate checks are those of the host it called, whatever endpoint the connection reaches.
 * Istio's HTTPS egress gateway:
 *
 * <pre>{@code
 * TlsRoute.builder()
 *     .match(TlsMatchAttributes.builder().port(443).sniHosts("edition.cnn.com").gateways("mesh"))
 *     .route(Destination.builder()
 *         .host("istio-egressgateway.istio-system.svc.cluster.local").subset("cnn").port(443))
 *     .build();
 * }</pre>
 *
 * @param match the conditions, any one of which selects the route; at least one is required
 * @param route the weighted destinations
 */
public record TlsRoute(List<TlsMatchAttributes> match, List<RouteDestination> route) {

  public TlsRoute {
    match = Copies.list(match);
    route = Copies.list(route);
  }

  /** A builder of a route without matches and destinations (both required to be valid). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this route. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.match.addAll(match);
    b.route.addAll(route);
    return b;
  }

  /**
   * Builds a {@link TlsRoute}. Lists accumulate. No validation: the mesh checks the result as it
   * checks YAML. Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private final List<TlsMatchAttributes> match = new ArrayList<>();
    private final List<RouteDestination> route = new ArrayList<>();

    private Builder() {}

    /** Adds match conditions; any one of them selects the route (Istio {@code match}). */
    public Builder match(TlsMatchAttributes... match) {
      Builders.addAll(this.match, match, "match");
      return this;
    }

    /** Adds match conditions, built now (Istio {@code match}). */
    public Builder match(TlsMatchAttributes.Builder... match) {
      requireNonNull(match, "match");
      for (TlsMatchAttributes.Builder m : match) {
        this.match.add(requireNonNull(m, "match").build());
      }
      return this;
    }

    /** Adds match conditions (Istio {@code match}). */
    public Builder match(Collection<TlsMatchAttributes> match) {
      Builders.addAll(this.match, match, "match");
      return this;
    }

    /** Adds weighted destinations (Istio {@code route}). */
    public Builder route(RouteDestination... route) {
      Builders.addAll(this.route, route, "route");
      return this;
    }

    /** Adds weighted destinations, built now (Istio {@code route}). */
    public Builder route(RouteDestination.Builder... route) {
      requireNonNull(route, "route");
      for (RouteDestination.Builder d : route) {
        this.route.add(requireNonNull(d, "route").build());
      }
      return this;
    }

    /** Adds weighted destinations (Istio {@code route}). */
    public Builder route(Collection<RouteDestination> route) {
      Builders.addAll(this.route, route, "route");
      return this;
    }

    /** Adds a destination without a weight (Istio {@code route: [{destination}]}). */
    public Builder route(Destination destination) {
      route.add(RouteDestination.of(requireNonNull(destination, "destination")));
      return this;
    }

    /** Adds a destination without a weight, built now (Istio {@code route: [{destination}]}). */
    public Builder route(Destination.Builder destination) {
      return route(requireNonNull(destination, "destination").build());
    }

    /** Adds a destination with a weight (Istio {@code route: [{destination, weight}]}). */
    public Builder route(Destination destination, int weight) {
      route.add(RouteDestination.of(requireNonNull(destination, "destination"), weight));
      return this;
    }

    /** The route as set so far. */
    public TlsRoute build() {
      return new TlsRoute(match, route);
    }
  }
}
