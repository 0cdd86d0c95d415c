package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A route for plain TCP connections (Istio {@code TCPRoute}): a call to a service port whose
 * protocol is neither HTTP nor TLS ({@code TCP}, {@code MONGO}, …). It is chosen by the port (and
 * the destination address, when the application named an IP address) and sends the connection to
 * a weighted destination, the bytes untouched.
 *
 * @param match the conditions, any one of which selects the route; none matches every connection
 * @param route the weighted destinations
 */
public record TcpRoute(List<L4MatchAttributes> match, List<RouteDestination> route) {

  public TcpRoute {
    match = Copies.list(match);
    route = Copies.list(route);
  }

  /** A builder of a route that matches every connection and, until given one, has no destination. */
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
   * Builds a {@link TcpRoute}. Lists accumulate. No validation: the mesh checks the result as it
   * checks YAML. Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private final List<L4MatchAttributes> match = new ArrayList<>();
    private final List<RouteDestination> route = new ArrayList<>();

    private Builder() {}

    /** Adds match conditions; any one of them selects the route (Istio {@code match}). */
    public Builder match(L4MatchAttributes... match) {
      Builders.addAll(this.match, match, "match");
      return this;
    }

    /** Adds match conditions, built now (Istio {@code match}). */
    public Builder match(L4MatchAttributes.Builder... match) {
      requireNonNull(match, "match");
      for (L4MatchAttributes.Builder m : match) {
        this.match.add(requireNonNull(m, "match").build());
      }
      return this;
    }

    /** Adds match conditions (Istio {@code match}). */
    public Builder match(Collection<L4MatchAttributes> match) {
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
    public TcpRoute build() {
      return new TcpRoute(match, route);
    }
  }
}
