package dev.mesh4j.core.internal.discovery;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.ServiceEntry.Location;
import dev.mesh4j.api.config.ServiceEntry.Resolution;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.endpoint.Endpoint;
import java.util.List;
import java.util.Map;
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
 */
public record Service(
    String hostname,
    String namespace,
    List<ServicePort> ports,
    Resolution resolution,
    Location location,
    Map<Integer, List<Endpoint>> endpoints,
    String source) {

  public Service {
    requireNonNull(hostname, "hostname");
    requireNonNull(namespace, "namespace");
    ports = List.copyOf(ports);
    requireNonNull(resolution, "resolution");
    requireNonNull(location, "location");
    endpoints = Map.copyOf(endpoints);
    requireNonNull(source, "source");
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
