package dev.mesh4j.core.internal.cluster;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.core.http.ConnectionSettings;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.lb.ClusterState;
import dev.mesh4j.core.internal.lb.LoadBalancer;
import dev.mesh4j.core.internal.resilience.ClusterResilience;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One cluster of a snapshot: where requests routed to (host, subset, port) go and under which
 * policy. Immutable; the mutable per-endpoint state is in {@link #state()}, shared with the
 * same cluster of other snapshots.
 *
 * @param key host, subset and port
 * @param service the service
 * @param port the service port
 * @param policy the merged traffic policy (subset and port-level settings applied)
 * @param rule the DestinationRule the policy came from, or null
 * @param loadBalancer picks endpoints; null for passthrough clusters
 * @param state the state shared across snapshots
 * @param tls TLS to originate towards every endpoint, or null; for {@code ISTIO_MUTUAL} with its
 *     {@code subjectAltNames} and {@code sni} resolved ({@link #istioMutual})
 * @param autoMtls Istio's auto mTLS: the {@code ISTIO_MUTUAL} settings for endpoints labelled
 *     {@code security.istio.io/tlsMode: istio}, the others getting plain text; null when the
 *     DestinationRule sets {@code tls}, the service is outside the mesh, or the mesh has no identity
 * @param connection connect timeout, idle timeout and requests per connection, from the
 *     policy's {@code connectionPool} ({@link #connectionSettings})
 * @param failure why every request to this cluster fails locally with 503 UF (e.g. a missing
 *     workload identity for {@code ISTIO_MUTUAL}), or null
 * @param resilience the connection-pool limiter and outlier detector, shared across snapshots
 * @param peerMetadata the headers of Istio's peer metadata exchange every request to this
 *     cluster carries ({@code x-envoy-peer-metadata}, {@code x-envoy-peer-metadata-id}): this
 *     workload's metadata, for a service inside the mesh; {@link HeaderMutation#NONE} for one
 *     outside it ({@code MESH_EXTERNAL}) and for passthrough, which never get it
 */
public record Cluster(
    ClusterKey key,
    Service service,
    ServicePort port,
    TrafficPolicy policy,
    @Nullable DestinationRule rule,
    @Nullable LoadBalancer loadBalancer,
    ClusterState state,
    @Nullable ClientTlsSettings tls,
    @Nullable ClientTlsSettings autoMtls,
    ConnectionSettings connection,
    @Nullable String failure,
    ClusterResilience resilience,
    HeaderMutation peerMetadata) {

  public Cluster {
    requireNonNull(key, "key");
    requireNonNull(service, "service");
    requireNonNull(port, "port");
    requireNonNull(policy, "policy");
    requireNonNull(state, "state");
    requireNonNull(connection, "connection");
    requireNonNull(resilience, "resilience");
    requireNonNull(peerMetadata, "peerMetadata");
  }

  /** Istio's default connect timeout ({@code connectionPool.tcp.connectTimeout}). */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Istio's defaults: a 10s connect timeout, the transport's own connection reuse. */
  public static final ConnectionSettings DEFAULT_CONNECTION =
      new ConnectionSettings(DEFAULT_CONNECT_TIMEOUT, null, 0);

  /** The connection settings a {@code connectionPool} asks for (Istio's defaults where unset). */
  public static ConnectionSettings connectionSettings(@Nullable ConnectionPoolSettings pool) {
    if (pool == null) {
      return DEFAULT_CONNECTION;
    }
    Duration connect = pool.tcp() == null || pool.tcp().connectTimeout() == null
        ? DEFAULT_CONNECT_TIMEOUT : pool.tcp().connectTimeout();
    Duration idle = pool.http() == null ? null : pool.http().idleTimeout();
    Integer perConnection = pool.http() == null ? null : pool.http().maxRequestsPerConnection();
    return new ConnectionSettings(connect, idle, perConnection == null || perConnection < 0 ? 0 : perConnection);
  }

  /**
   * Istio's {@code ISTIO_MUTUAL} settings for a cluster of {@code service}: the server must carry
   * one of the DestinationRule's {@code subjectAltNames} or, when it names none, one of the
   * service's {@linkplain Service#identities() identities} (as a URI SAN); the SNI is the
   * DestinationRule's {@code sni}, else the service's host name. (Istio sends the cluster name,
   * {@code outbound_.9080_.v1_.reviews…}, which the JDK refuses as a server name for its
   * underscores; a sidecar's inbound listener does not match on it.)
   *
   * @param given the DestinationRule's {@code ISTIO_MUTUAL} settings, or null for auto mTLS
   */
  public static ClientTlsSettings istioMutual(@Nullable ClientTlsSettings given, Service service) {
    ClientTlsSettings.Builder b = ClientTlsSettings.builder().mode(ClientTlsSettings.TlsMode.ISTIO_MUTUAL)
        .sni(given != null && given.sni() != null ? given.sni() : service.hostname());
    b.subjectAltNames(given != null && !given.subjectAltNames().isEmpty() ? given.subjectAltNames() : service.identities());
    return b.build();
  }

  /** Whether requests go to the address the application named rather than an endpoint. */
  public boolean isPassthrough() {
    return loadBalancer == null;
  }

  public String name() {
    return key.envoyName();
  }
}
