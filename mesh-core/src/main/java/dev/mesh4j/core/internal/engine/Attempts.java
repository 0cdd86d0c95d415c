package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.lb.PickContext;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.lb.hash.RequestHash;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter;
import dev.mesh4j.core.internal.resilience.RetryPolicy;
import dev.mesh4j.core.internal.routing.HeaderTemplate;
import dev.mesh4j.core.internal.telemetry.PeerMetadata;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One routed request on its way through its attempts: where it goes, what each attempt sends,
 * the retry policy and deadline, and — as the {@link PickContext} balancers see — the request's
 * hash and the hosts already tried (Envoy's {@code previous_hosts} predicate, when the policy
 * has it). One object per request, used by one thread at a time; it is the only allocation the
 * attempt loop needs besides each attempt's {@link UpstreamRequest}. It is also what the
 * delivered response's body calls when the application is done with it ({@link #completion}), on
 * whichever thread that is, after the request's own thread has handed the response over.
 */
final class Attempts implements PickContext, BooleanSupplier, LongConsumer {
  final Cluster cluster;
  final RetryPolicy policy;
  private final HeaderTemplate responseHeaders;
  /** What the route's header values read, when they have variables; else null. */
  private final @Nullable HeaderValues values;
  /** The route deadline in ticker nanos, or {@link Long#MAX_VALUE} for none. */
  final long deadline;
  /** Whether the request's body can be sent again (else its first failure is final). */
  final boolean replayable;
  private final RandomSource random;
  /** The request's hash (Envoy hashes once per request and keeps it for every retry). */
  private final RequestHash hash;
  // What every attempt sends, but the endpoint and its limits: the request's host, scheme and
  // query (read from it, not copied: this object stays within 80 bytes), the path and authority.
  private final MeshRequest request;
  private final String path;
  private final String authority;
  private final HeaderMutation requestHeaders;
  /** Hosts tried, from the first slot on; the first null ends them (no count: 80 bytes per request). */
  private @Nullable UpstreamHost[] tried;
  /** Whether this request holds a retry permit of the cluster (from its first retry to its end). */
  private boolean holdingRetry;
  // The delivered attempt, ended when the application is done with the response body.
  private @Nullable UpstreamHost deliveredHost;
  private ConnectionLimiter.@Nullable Permit deliveredPermit;
  private @Nullable LongConsumer requestEnd;

  Attempts(Cluster cluster, RetryPolicy policy, HeaderTemplate responseHeaders, @Nullable HeaderValues values,
      long deadline, boolean replayable, RandomSource random, RequestHash hash, MeshRequest request, String path,
      String authority, HeaderMutation requestHeaders) {
    this.cluster = cluster;
    this.policy = policy;
    this.responseHeaders = responseHeaders;
    this.values = values;
    this.deadline = deadline;
    this.replayable = replayable;
    this.random = random;
    this.hash = hash;
    this.request = request;
    this.path = path;
    this.authority = authority;
    this.requestHeaders = requestHeaders;
  }

  /**
   * Removes a peer's metadata exchange headers from every upstream response, as a sidecar's
   * {@code peer_metadata} filter does before the application sees it.
   */
  static final HeaderMutation STRIP_PEER_METADATA = HeaderMutation.of(List.of(
      new HeaderMutation.Op(HeaderMutation.Kind.REMOVE, PeerMetadata.HEADER, ""),
      new HeaderMutation.Op(HeaderMutation.Kind.REMOVE, PeerMetadata.ID_HEADER, "")));

  /**
   * The response-header operations for the response {@code host} answered with {@code status}:
   * the peer's metadata exchange headers removed, then the route's operations (no allocation when
   * the route has none).
   */
  HeaderMutation responseHeaders(int status, @Nullable UpstreamHost host) {
    return STRIP_PEER_METADATA.then(responseHeaders.format(values == null ? null
        : values.response(status, "", host == null ? null : host.endpoint())));
  }

  /** The route's response-header operations for a reply mesh4j makes itself. */
  HeaderMutation responseHeaders(dev.mesh4j.core.http.LocalReply reply) {
    return responseHeaders.format(values == null ? null : values.response(reply.status(), reply.flags(), null));
  }

  /** The TLS mesh4j originates towards {@code host} (null: the address the app named). */
  @Nullable ClientTlsSettings tls(@Nullable UpstreamHost host) {
    return Origination.tls(cluster, host, request.scheme());
  }

  /**
   * The request attempt {@code n} sends to {@code host} (null: the address the app named), with
   * {@code tls} as {@link #tls} gave it and the identity it needs.
   */
  UpstreamRequest request(int attempt, @Nullable UpstreamHost host, @Nullable ClientTlsSettings tls,
      @Nullable WorkloadIdentity identity, @Nullable Duration timeout, @Nullable Duration responseTimeout) {
    // Origination's parts one by one: an Origination per request would be one more allocation.
    String scheme = request.scheme();
    return new UpstreamRequest(host == null ? null : host.endpoint(), Origination.scheme(tls, scheme), path,
        request.rawQuery(), authority, requestHeaders, attempt, tls,
        Origination.sni(cluster, tls, request.host(), scheme), identity, Origination.connection(cluster), timeout,
        responseTimeout);
  }

  /** An upstream request going out as {@code o} says. */
  static UpstreamRequest upstream(Origination o, @Nullable Endpoint endpoint, @Nullable WorkloadIdentity identity,
      String path, @Nullable String rawQuery, String authority, HeaderMutation headers, int attempt,
      @Nullable Duration timeout, @Nullable Duration responseTimeout) {
    return new UpstreamRequest(endpoint, o.scheme(), path, rawQuery, authority, headers, attempt, o.tls(), o.sni(),
        identity, o.connection(), timeout, responseTimeout);
  }

  @Override
  public RandomSource random() {
    return random;
  }

  @Override
  public boolean hasHash() {
    return hash.present();
  }

  @Override
  public long hash() {
    return hash.value();
  }

  @Override
  public boolean shouldAvoid(UpstreamHost host) {
    if (!policy.avoidPreviousHosts() || tried == null) {
      return false;
    }
    for (int i = 0; i < tried.length && tried[i] != null; i++) {
      if (tried[i].state() == host.state()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Takes the cluster's retry permit for this request's retries ({@code maxRetries}), once: a
   * request holds one permit from its first retry to its end, as Envoy's retry circuit breaker
   * counts retries in flight. (This object is the permit supplier the retry rules ask, so that
   * asking allocates nothing.)
   */
  @Override
  public boolean getAsBoolean() {
    if (!holdingRetry) {
      holdingRetry = cluster.resilience().limiter().tryAcquireRetry();
    }
    return holdingRetry;
  }

  /** Returns the retry permit, if this request took one. */
  void releaseRetryPermit() {
    if (holdingRetry) {
      holdingRetry = false;
      cluster.resilience().limiter().releaseRetry();
    }
  }

  /**
   * The callback for the delivered response's body: it ends the attempt on {@code host} (its
   * in-flight count and connection slot) and then tells {@code requestEnd} (telemetry) the bytes
   * read. This object, so that delivering a response allocates no callback.
   */
  LongConsumer completion(@Nullable UpstreamHost host, ConnectionLimiter.Permit permit, LongConsumer requestEnd) {
    this.deliveredHost = host;
    this.deliveredPermit = permit;
    this.requestEnd = requestEnd;
    return this;
  }

  /**
   * Gives the delivered attempt's endpoint and connection slot back when completing the response
   * failed and the application gets no body to finish; nothing if they were given back already.
   */
  void abandon() {
    if (requestEnd == null) {
      return;
    }
    requestEnd = null;
    AttemptLoop.end(deliveredHost, deliveredPermit);
  }

  @Override
  public void accept(long bodyBytes) {
    LongConsumer end = requestEnd;
    if (end == null) {
      return;
    }
    requestEnd = null;
    AttemptLoop.end(deliveredHost, deliveredPermit);
    end.accept(bodyBytes);  // telemetry: request end
  }

  /** Remembers a host an attempt went to. */
  void tried(@Nullable UpstreamHost host) {
    if (host == null) {
      return;
    }
    if (tried == null) {
      tried = new UpstreamHost[4];
    }
    int n = 0;
    while (n < tried.length && tried[n] != null) {
      n++;
    }
    if (n == tried.length) {
      tried = Arrays.copyOf(tried, n * 2);
    }
    tried[n] = host;
  }
}
