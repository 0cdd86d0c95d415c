package dev.mesh4j.core.explain;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.spi.SourceStatus;
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
   * @param destinations where it sends requests, each with its weight
   *     ({@code reviews.default.svc.cluster.local subset v2 weight 100}), or what it answers
   *     ({@code redirect}, {@code direct response})
   */
  public record Route(String route, List<String> destinations) {
    public Route {
      requireNonNull(route, "route");
      destinations = List.copyOf(destinations);
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
   * @param endpoints its endpoints, with their state now
   */
  public record Cluster(String name, String service, @Nullable String subset, int port, String loadBalancer,
      List<Endpoint> endpoints) {
    public Cluster {
      requireNonNull(name, "name");
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
   * @param activeRequests requests in flight to it now
   */
  public record Endpoint(String address, Map<String, String> labels, int weight, boolean ejected,
      int activeRequests) {
    public Endpoint {
      requireNonNull(address, "address");
      labels = Map.copyOf(labels);
    }
  }
}
