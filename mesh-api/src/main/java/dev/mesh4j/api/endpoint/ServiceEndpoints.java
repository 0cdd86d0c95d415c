package dev.mesh4j.api.endpoint;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.ServicePort;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service as a registry knows it — a Kubernetes Service with its EndpointSlices, a service
 * declared in code: its host, namespace, ports and the endpoints behind each port. What a source
 * delivers besides Istio resources. Services win over a {@code ServiceEntry} for the same host,
 * as Kubernetes Services do for a sidecar; their endpoints' labels are what DestinationRule
 * subsets select on.
 *
 * <p>Immutable.
 *
 * @param host the host as a registry names it: a short name ({@code reviews}) is resolved against
 *     {@code namespace} ({@code reviews.default.svc.cluster.local}); a name with a dot is used as
 *     written
 * @param namespace the service's namespace; empty for the workload's
 * @param ports the service ports
 * @param endpoints service port number to the endpoints serving it, each with the port to
 *     connect to; a port without an entry has no endpoints
 * @param exportTo the namespaces the service is visible to (Istio's
 *     {@code networking.istio.io/exportTo} annotation); empty means all
 * @param trafficDistribution whether the service prefers endpoints close to the caller (a
 *     Kubernetes Service's {@code trafficDistribution}); applies when its DestinationRule sets no
 *     {@code localityLbSetting}
 */
public record ServiceEndpoints(
    String host,
    String namespace,
    List<ServicePort> ports,
    Map<Integer, List<Endpoint>> endpoints,
    List<String> exportTo,
    TrafficDistribution trafficDistribution) {

  public ServiceEndpoints {
    requireNonNull(host, "host");
    requireNonNull(namespace, "namespace");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host: \"\" (expected: a service name)");
    }
    ports = List.copyOf(ports);
    Map<Integer, List<Endpoint>> copy = new LinkedHashMap<>();
    endpoints.forEach((port, list) -> copy.put(requireNonNull(port, "port"), List.copyOf(list)));
    endpoints = Collections.unmodifiableMap(copy);
    exportTo = List.copyOf(exportTo);
    requireNonNull(trafficDistribution, "trafficDistribution");
  }

  /** A service without a traffic distribution preference ({@link TrafficDistribution#ANY}). */
  public ServiceEndpoints(String host, String namespace, List<ServicePort> ports,
      Map<Integer, List<Endpoint>> endpoints, List<String> exportTo) {
    this(host, namespace, ports, endpoints, exportTo, TrafficDistribution.ANY);
  }

  /** Starts a service of {@code host} in {@code namespace} (empty: the workload's). */
  public static Builder builder(String host, String namespace) {
    return new Builder(host, namespace);
  }

  /** The endpoints of one service port (empty when none). */
  public List<Endpoint> endpoints(int port) {
    return endpoints.getOrDefault(port, List.of());
  }

  /** This service with other endpoints, the rest unchanged. */
  public ServiceEndpoints withEndpoints(Map<Integer, List<Endpoint>> endpoints) {
    return new ServiceEndpoints(host, namespace, ports, endpoints, exportTo, trafficDistribution);
  }

  /** Builds a {@link ServiceEndpoints}. Not thread-safe. */
  public static final class Builder {
    private final String host;
    private final String namespace;
    private final List<ServicePort> ports = new ArrayList<>();
    private final Map<Integer, List<Endpoint>> endpoints = new LinkedHashMap<>();
    private final List<String> exportTo = new ArrayList<>();
    private TrafficDistribution trafficDistribution = TrafficDistribution.ANY;

    private Builder(String host, String namespace) {
      this.host = requireNonNull(host, "host");
      this.namespace = requireNonNull(namespace, "namespace");
    }

    /** Adds a service port. */
    public Builder port(ServicePort port) {
      ports.add(requireNonNull(port, "port"));
      return this;
    }

    /**
     * Adds an HTTP service port: {@code name} as Kubernetes names it ({@code http},
     * {@code http-web}); the protocol follows Istio's rules for port names and
     * {@code appProtocol} (here: HTTP).
     */
    public Builder port(int number, String name) {
      return port(new ServicePort(number, "HTTP", name, null));
    }

    /** Adds endpoints of one service port. */
    public Builder endpoint(int port, Endpoint... endpoints) {
      List<Endpoint> list = this.endpoints.computeIfAbsent(port, p -> new ArrayList<>());
      for (Endpoint e : endpoints) {
        list.add(requireNonNull(e, "endpoint"));
      }
      return this;
    }

    /** Adds a namespace the service is visible to ({@code "."}: its own; default: all). */
    public Builder exportTo(String... namespaces) {
      for (String n : namespaces) {
        exportTo.add(requireNonNull(n, "namespace"));
      }
      return this;
    }

    /** Whether the service prefers endpoints close to the caller (default {@link TrafficDistribution#ANY}). */
    public Builder trafficDistribution(TrafficDistribution trafficDistribution) {
      this.trafficDistribution = requireNonNull(trafficDistribution, "trafficDistribution");
      return this;
    }

    public ServiceEndpoints build() {
      return new ServiceEndpoints(host, namespace, ports, endpoints, exportTo, trafficDistribution);
    }
  }
}
