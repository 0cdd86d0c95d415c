package dev.mesh4j.core.http;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a transport sends for one attempt: where (an endpoint, or the address the application
 * named), with which path, authority and header changes. Immutable.
 *
 * <p>The transport keeps everything else of the application's request (method, body, other
 * headers) and must send {@link #authority()} as the {@code Host} header, so that the endpoint
 * sees the logical host the application used, not its own IP.
 *
 * <p>{@code https} is never sent as plain text. With {@link #tls()} set, mesh4j originates TLS
 * with those settings; with {@code tls} null and scheme {@code https}, the transport keeps the
 * application's own TLS (its trust, client certificate and pins) to the endpoint, sending
 * {@link #sni()} as the server name and verifying the endpoint's certificate against it — as a
 * sidecar passes the application's TLS through. A transport that cannot must fail the attempt.
 *
 * <p>For {@code ISTIO_MUTUAL} (a DestinationRule's, or auto mTLS for an endpoint labelled
 * {@code security.istio.io/tlsMode: istio}), {@link #identity()} is the workload identity to
 * present, whose roots verify the server, and {@code tls.subjectAltNames()} the SPIFFE IDs one of
 * which the server's certificate must carry as a URI SAN (none: any certificate of the mesh);
 * {@code dev.mesh4j.core.tls.MeshTls} builds such a context, and the transport offers Istio's ALPN
 * values ({@code MeshTls.ISTIO_ALPN}) so that a sidecar in {@code PERMISSIVE} mode takes the
 * connection as mutual TLS. Connections made with one identity must not be reused with another.
 *
 * @param endpoint the endpoint to connect to, or null to send to the address the application
 *     named (passthrough)
 * @param scheme {@code https} when the request goes to the endpoint over TLS (originated by mesh4j
 *     or the application's own), else {@code http}; for passthrough the application's scheme
 * @param path the path to send (rewritten or the original), percent-encoded
 * @param rawQuery the query to send, or null for none
 * @param authority the {@code Host} header to send
 * @param headers header changes to make before sending
 * @param attempt 1 for the first try, 2 for the first retry, …
 * @param tls TLS mesh4j originates ({@code SIMPLE}, {@code MUTUAL} or {@code ISTIO_MUTUAL}), or
 *     null: plain text for {@code http}, the application's own TLS for {@code https}
 * @param sni the server name to send and verify over TLS to an endpoint (the DestinationRule's
 *     {@code sni}, else the logical host the application used); null for plain text and passthrough
 * @param identity the workload identity to present for {@code ISTIO_MUTUAL}; null otherwise (the
 *     engine never sends an {@code ISTIO_MUTUAL} attempt without one)
 * @param connection how the cluster's connections are made and reused
 * @param timeout how long this attempt may take until response headers (the per-try timeout or
 *     what is left of the route timeout, whichever is shorter), or null for no limit: a
 *     wall-clock deadline from when the transport starts sending the attempt, whatever the peer
 *     sends; when it passes, the transport fails the attempt with an exception it classifies as
 *     {@link UpstreamFailure#TIMEOUT}
 * @param responseTimeout how long, from the same start, the whole response including its body
 *     may take (what is left of the route timeout), or null for no limit; reading the body past it
 *     fails, as Envoy resets a stream whose route timeout fires
 */
public record UpstreamRequest(
    @Nullable Endpoint endpoint,
    String scheme,
    String path,
    @Nullable String rawQuery,
    String authority,
    HeaderMutation headers,
    int attempt,
    @Nullable ClientTlsSettings tls,
    @Nullable String sni,
    @Nullable WorkloadIdentity identity,
    ConnectionSettings connection,
    @Nullable Duration timeout,
    @Nullable Duration responseTimeout) {

  public UpstreamRequest {
    connection = connection == null ? ConnectionSettings.DEFAULT : connection;
  }

  /** A request without a workload identity (no {@code ISTIO_MUTUAL}). */
  public UpstreamRequest(@Nullable Endpoint endpoint, String scheme, String path, @Nullable String rawQuery,
      String authority, HeaderMutation headers, int attempt, @Nullable ClientTlsSettings tls, @Nullable String sni,
      ConnectionSettings connection, @Nullable Duration timeout, @Nullable Duration responseTimeout) {
    this(endpoint, scheme, path, rawQuery, authority, headers, attempt, tls, sni, null, connection, timeout,
        responseTimeout);
  }

  /** The header carrying the attempt number, sent upstream on every attempt (as Istio does). */
  public static final String ATTEMPT_COUNT_HEADER = "x-envoy-attempt-count";

  /** This request with other header changes (the rest unchanged). */
  public UpstreamRequest withHeaders(HeaderMutation headers) {
    return new UpstreamRequest(endpoint, scheme, path, rawQuery, authority, headers, attempt, tls, sni, identity,
        connection, timeout, responseTimeout);
  }

  /** The connect timeout of the cluster, or null for the transport's own. */
  public @Nullable Duration connectTimeout() {
    return connection.connectTimeout();
  }

  /** Whether this goes to the address the application named rather than a chosen endpoint. */
  public boolean isPassthrough() {
    return endpoint == null;
  }
}
