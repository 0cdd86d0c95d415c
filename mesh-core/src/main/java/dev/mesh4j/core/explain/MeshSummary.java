package dev.mesh4j.core.explain;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.spi.SourceStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a mesh holds now: the services it knows with the routes of their VirtualService, and
 * the clusters with their endpoints and each endpoint's health — what {@code istioctl proxy-config}
 * shows of a sidecar. A read-only picture for tools (the Spring Boot starter's actuator endpoint
 * shows it); taking it sends nothing and changes nothing. Immutable.
 *
 * @param version the version of the compiled configuration pictured
 * @param services the services, exact hosts by name, then wildcards
 * @param clusters the clusters, by Envoy name
 * @param warnings the warnings of the configuration in force
 * @param sources the mesh's sources and their states, in order of precedence
 * @param rejected what sources delivered but the mesh could not apply (each a problem naming the
 *     resource's origin and field path); for each, what the source delivered before keeps serving
 */
public record MeshSummary(long version, List<Service> services, List<Cluster> clusters, List<String> warnings,
    List<SourceStatus> sources, List<String> rejected) {

  public MeshSummary {
    services = List.copyOf(services);
    clusters = List.copyOf(clusters);
    warnings = List.copyOf(warnings);
    sources = List.copyOf(sources);
    rejected = List.copyOf(rejected);
  }

  /**
   * A service.
   *
   * @param host its canonical host ({@code reviews.default.svc.cluster.local})
   * @param namespace the namespace that declared it
   * @param ports its port numbers
   * @param source what declared it ({@code ServiceEntry default/reviews}, {@code registry})
   * @param virtualService the VirtualService claiming it ({@code namespace/name}), or null
   * @param routes that VirtualService's HTTP routes in order, or the default route
   */
  public record Service(String host, String namespace, List<Integer> ports, String source,
      @Nullable String virtualService, List<Route> routes) {
    public Service {
      requireNonNull(host, "host");
      ports = List.copyOf(ports);
      routes = List.copyOf(routes);
    }
  }

  /**
   * A route.
   *
   * @param route where it is and its name ({@code http[0] (jason)}, {@code default})
   * @param name the route as {@link dev.mesh4j.core.observe.RouteDecision#routeName()} names it
   *     for the requests it routes: its {@code name}, else its position ({@code http[0]}), or
   *     {@code default}
   * @param action what it does with a request
   * @param destinations where it sends requests, each with its weight (for {@link Action#FORWARD})
   * @param fault the fault it injects ({@code delay 7s for 100%; abort 500 for 50%}), or null
   */
  public record Route(String route, String name, Action action, List<Destination> destinations,
      @Nullable String fault) {
    public Route {
      requireNonNull(route, "route");
      requireNonNull(name, "name");
      requireNonNull(action, "action");
      destinations = List.copyOf(destinations);
    }

    /** What a route does with the requests it matches. */
    public enum Action {
      /** Sends them to its weighted destinations. */
      FORWARD,
      /** Answers with a redirect. */
      REDIRECT,
      /** Answers with a fixed response. */
      DIRECT_RESPONSE
    }
  }

  /**
   * A weighted destination of a route.
   *
   * @param host the destination service's host as configured, made canonical when it is a known
   *     service ({@code reviews.default.svc.cluster.local})
   * @param subset the subset, or null for every endpoint
   * @param port the port it names, or null for the port the request addressed
   * @param weight its weight; its share of the route's traffic is the weight over the sum of the
   *     route's weights
   */
  public record Destination(String host, @Nullable String subset, @Nullable Integer port, int weight) {
    public Destination {
      requireNonNull(host, "host");
    }

    /** {@code reviews.default.svc.cluster.local subset v2 weight 100}. */
    @Override
    public String toString() {
      return host + (subset == null ? "" : " subset " + subset) + (port == null ? "" : " port " + port)
          + " weight " + weight;
    }
  }

  /**
   * A cluster: a service port, or one subset of it.
   *
   * @param name Envoy's name ({@code outbound|9080|v2|reviews.default.svc.cluster.local})
   * @param service the service's host
   * @param subset the subset, or null for every endpoint
   * @param port the service port
   * @param loadBalancer the load-balancing policy, or {@code PASSTHROUGH}
   * @param outlierDetection its outlier detection, defaults filled in, in Istio's field names
   *     ({@code consecutive5xxErrors 3, interval 1s, …}), or null when it has none
   * @param connectionPool its connection-pool limits ({@code maxConnections 2,
   *     http1MaxPendingRequests 1, …}), or null when it has none (every limit unlimited)
   * @param tls the TLS it originates towards endpoints: {@code DISABLE} (plain text),
   *     {@code SIMPLE}, {@code MUTUAL} or {@code ISTIO_MUTUAL}
   * @param failure why every request to it fails locally with 503 {@code UF} (an
   *     {@code ISTIO_MUTUAL} cluster without a workload identity), or null
   * @param endpoints its endpoints, with their state now
   */
  public record Cluster(String name, String service, @Nullable String subset, int port, String loadBalancer,
      @Nullable String outlierDetection, @Nullable String connectionPool, String tls, @Nullable String failure,
      List<Endpoint> endpoints) {
    public Cluster {
      requireNonNull(name, "name");
      requireNonNull(tls, "tls");
      endpoints = List.copyOf(endpoints);
    }
  }

  /**
   * An endpoint of a cluster.
   *
   * @param address {@code ip:port}
   * @param labels its labels
   * @param weight its load-balancing weight
   * @param ejected whether outlier detection has ejected it (it is not picked)
   * @param ejections how often outlier detection has ejected it so far (0 without outlier
   *     detection)
   * @param ejectionTimeLeft while ejected, how long until its ejection time is up (it returns at
   *     the detector's first sweep after that, so zero while it waits for that sweep); zero when
   *     not ejected
   * @param activeRequests requests in flight to it now
   */
  public record Endpoint(String address, Map<String, String> labels, int weight, boolean ejected, int ejections,
      Duration ejectionTimeLeft, int activeRequests) {
    public Endpoint {
      requireNonNull(address, "address");
      labels = Map.copyOf(labels);
      requireNonNull(ejectionTimeLeft, "ejectionTimeLeft");
    }
  }
}
