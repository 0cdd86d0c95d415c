package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An Istio {@code VirtualService}: how requests to some hosts are routed.
 *
 * @param metadata name, namespace and origin
 * @param hosts the hosts this applies to, as written (short names are resolved against
 *     {@code metadata.namespace} by the engine); empty for a delegate VirtualService
 * @param gateways the gateways this binds to; empty means {@code mesh} only
 * @param http the HTTP routes, evaluated in order
 * @param exportTo the namespaces this is visible to; empty means all
 */
public record VirtualService(
    ObjectMeta metadata,
    List<String> hosts,
    List<String> gateways,
    List<HttpRoute> http,
    List<String> exportTo)
    implements IstioResource {

  /** The reserved gateway name that means "sidecars in the mesh". */
  public static final String MESH_GATEWAY = "mesh";

  public VirtualService {
    requireNonNull(metadata, "metadata");
    hosts = Copies.list(hosts);
    gateways = Copies.list(gateways);
    http = Copies.list(http);
    exportTo = Copies.list(exportTo);
  }

  /** Whether this is a delegate (it has no hosts and is only reachable through a delegate). */
  public boolean isDelegate() {
    return hosts.isEmpty();
  }
}
