package dev.mesh4j.core.internal.discovery;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.ServiceEntry.Location;
import dev.mesh4j.api.config.ServiceEntry.Resolution;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.TrafficDistribution;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A service the workload knows: its canonical host name, ports and the endpoints behind each
 * port. Immutable.
 *
 * @param hostname the canonical name ({@code reviews.default.svc.cluster.local},
 *     {@code api.example.com}, or a wildcard such as {@code *.example.com})
 * @param namespace the namespace that declared it
 * @param ports the service ports
 * @param resolution how endpoints were found; {@code NONE} means "send to the address the
 *     application named"
 * @param location inside or outside the mesh
 * @param endpoints service port number to the endpoints serving it (endpoint ports resolved)
 * @param source what declared it, for explain and warnings ({@code ServiceEntry ns/name},
 *     {@code registry})
 * @param subjectAltNames the identities its endpoints' certificates carry, as a ServiceEntry's
 *     {@code subjectAltNames} declares them (empty for other services)
 * @param trafficDistribution whether the service prefers endpoints close to the caller (a
 *     Kubernetes Service's {@code trafficDistribution}; {@code ANY} for other services)
 */
public record Service(
    String hostname,
    String namespace,
    List<ServicePort> ports,
    Resolution resolution,
    Location location,
    Map<Integer, List<Endpoint>> endpoints,
    String source,
    List<String> subjectAltNames,
    TrafficDistribution trafficDistribution) {

  public Service {
    requireNonNull(hostname, "hostname");
    requireNonNull(namespace, "namespace");
    ports = List.copyOf(ports);
    requireNonNull(resolution, "resolution");
    requireNonNull(location, "location");
    endpoints = Map.copyOf(endpoints);
    requireNonNull(source, "source");
    subjectAltNames = List.copyOf(subjectAltNames);
    requireNonNull(trafficDistribution, "trafficDistribution");
  }

  /** A service without a traffic distribution preference. */
  public Service(String hostname, String namespace, List<ServicePort> ports, Resolution resolution, Location location,
      Map<Integer, List<Endpoint>> endpoints, String source, List<String> subjectAltNames) {
    this(hostname, namespace, ports, resolution, location, endpoints, source, subjectAltNames,
        TrafficDistribution.ANY);
  }

  /** A service whose endpoints' identities are not declared. */
  public Service(String hostname, String namespace, List<ServicePort> ports, Resolution resolution, Location location,
      Map<Integer, List<Endpoint>> endpoints, String source) {
    this(hostname, namespace, ports, resolution, location, endpoints, source, List.of());
  }

  /**
   * The identities mutual TLS expects of this service's endpoints when a DestinationRule names
   * none, as istiod derives them: the declared {@link #subjectAltNames}, then the principal of
   * every endpoint (on any port), each once, in that order.
   */
  public List<String> identities() {
    Set<String> out = new LinkedHashSet<>(subjectAltNames);
    for (List<Endpoint> port : endpoints.values()) {
      for (Endpoint e : port) {
        if (e.principal() != null) {
          out.add(e.principal());
        }
      }
    }
    return List.copyOf(out);
  }

  public boolean isWildcard() {
    return hostname.startsWith("*");
  }

  /**
   * Whether requests go to the address the application named ({@code resolution: NONE}, or
   * {@code DYNAMIC_DNS}, whose per-request DNS lookup of the requested host is what the
   * application's own connection does).
   */
  public boolean isPassthrough() {
    return resolution == Resolution.NONE || resolution == Resolution.DYNAMIC_DNS;
  }

  /** The port with this number, or null. */
  public @Nullable ServicePort port(int number) {
    // By index: on the request path, an iterator per lookup is an allocation per request.
    for (int i = 0, n = ports.size(); i < n; i++) {
      ServicePort p = ports.get(i);
      if (p.number() == number) {
        return p;
      }
    }
    return null;
  }

  /** The endpoints serving a service port (empty when none). */
  public List<Endpoint> endpoints(int port) {
    List<Endpoint> e = endpoints.get(port);
    return e == null ? List.of() : e;
  }
}
