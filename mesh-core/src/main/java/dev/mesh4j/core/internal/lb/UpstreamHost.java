package dev.mesh4j.core.internal.lb;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.endpoint.Endpoint;

/**
 * An endpoint as a member of one cluster: its immutable description and its shared state.
 * Immutable; the state it points to is thread-safe.
 *
 * @param endpoint the address, labels and weight
 * @param state the in-flight counter and health, kept across snapshots; must come from the
 *     {@link ClusterState} of the balancer the host is given to
 * @param istioTlsMode whether the endpoint is labelled {@code security.istio.io/tlsMode: istio}
 *     (a workload with a sidecar, or an identity of its own): auto mTLS sends it mutual TLS, as
 *     Envoy's transport-socket match does; read once here, not per request
 */
public record UpstreamHost(Endpoint endpoint, EndpointState state, boolean istioTlsMode) {
  /** The label istiod puts on endpoints of workloads that accept Istio's mutual TLS. */
  public static final String TLS_MODE_LABEL = "security.istio.io/tlsMode";

  public UpstreamHost {
    requireNonNull(endpoint, "endpoint");
    requireNonNull(state, "state");
  }

  /** A host whose {@link #istioTlsMode} is read from its endpoint's labels. */
  public UpstreamHost(Endpoint endpoint, EndpointState state) {
    this(endpoint, state, "istio".equals(endpoint.labels().get(TLS_MODE_LABEL)));
  }

  /** This endpoint in a cluster, with the cluster's state for it. */
  public static UpstreamHost of(Endpoint endpoint, ClusterState cluster) {
    return new UpstreamHost(endpoint, cluster.endpoint(endpoint));
  }

  public int weight() {
    return endpoint.weight();
  }

  public boolean isHealthy() {
    return !state.isEjected();
  }

  public int activeRequests() {
    return state.activeRequests();
  }

  @Override
  public String toString() {
    return endpoint.toString();
  }
}
