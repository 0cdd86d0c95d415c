package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * An Istio {@code ServiceEntry}: a service mesh4j should know, with its ports and endpoints.
 *
 * @param metadata name, namespace and origin
 * @param hosts the service hosts (short names resolve against the namespace; see the docs)
 * @param addresses virtual IPs or CIDRs of the service
 * @param ports the service ports
 * @param location inside or outside the mesh (default MESH_EXTERNAL)
 * @param resolution how endpoints are found (default NONE)
 * @param endpoints the endpoints, when listed inline
 * @param workloadSelector labels of WorkloadEntries that are this service's endpoints
 * @param exportTo the namespaces this is visible to; empty means all
 * @param subjectAltNames identities the endpoints' certificates carry
 */
public record ServiceEntry(
    ObjectMeta metadata,
    List<String> hosts,
    List<String> addresses,
    List<ServicePort> ports,
    Location location,
    Resolution resolution,
    List<WorkloadEndpoint> endpoints,
    Map<String, String> workloadSelector,
    List<String> exportTo,
    List<String> subjectAltNames)
    implements IstioResource {

  /** Where the service runs. */
  public enum Location {
    MESH_EXTERNAL,
    MESH_INTERNAL
  }

  /** How the service's endpoints are found. */
  public enum Resolution {
    /** Send to the address the application asked for. */
    NONE,
    /** Endpoints are the IP addresses listed. */
    STATIC,
    /** Endpoints are host names resolved by DNS; every address is an endpoint. */
    DNS,
    /** One logical endpoint: connect to the first address DNS returns. */
    DNS_ROUND_ROBIN,
    /**
     * The hosts are wildcards and each request goes to the host it names, resolved by DNS at
     * request time (Envoy's dynamic forward proxy); in-process that is the address the
     * application asked for, as with {@link #NONE}.
     */
    DYNAMIC_DNS
  }

  public ServiceEntry {
    requireNonNull(metadata, "metadata");
    hosts = Copies.list(hosts);
    addresses = Copies.list(addresses);
    ports = Copies.list(ports);
    location = location == null ? Location.MESH_EXTERNAL : location;
    resolution = resolution == null ? Resolution.NONE : resolution;
    endpoints = Copies.list(endpoints);
    workloadSelector = Copies.map(workloadSelector);
    exportTo = Copies.list(exportTo);
    subjectAltNames = Copies.list(subjectAltNames);
  }
}
