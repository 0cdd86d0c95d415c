package dev.mesh4j.spring.autoconfigure.metrics;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.core.metrics.InboundRequest;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Records each request a WebFlux application answers in Istio's metrics with
 * {@code reporter="destination"}, as {@link MeshInboundMetricsFilter} does for servlet
 * applications: duration from the filter's subscription to the end of the chain (its completion,
 * error or cancellation),
 * {@code source_principal} from the client's certificate, {@code connection_security_policy}
 * {@code mutual_tls} when the request came over the mesh's mutual TLS, the client's workload from
 * its peer metadata ({@code x-envoy-peer-metadata}). An error leaving the chain
 * with no response sent is recorded with the status WebFlux then answers with; a request the
 * client gave up on ({@code cancel}) with Envoy's flag {@code DC}.
 */
public final class MeshInboundMetricsWebFilter implements WebFilter, Ordered {
  private final MicrometerIstioMetrics metrics;
  private final Ticker ticker;
  private final Supplier<@Nullable String> localPrincipal;

  MeshInboundMetricsWebFilter(MicrometerIstioMetrics metrics, Ticker ticker,
      Supplier<@Nullable String> localPrincipal) {
    this.metrics = requireNonNull(metrics, "metrics");
    this.ticker = requireNonNull(ticker, "ticker");
    this.localPrincipal = requireNonNull(localPrincipal, "localPrincipal");
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    return Mono.defer(() -> {
      long start = ticker.nanos();
      return chain.filter(exchange)
          .doOnSuccess(v -> record(exchange, start, null, false))
          .doOnError(e -> record(exchange, start, e, false))
          .doOnCancel(() -> record(exchange, start, null, true));
    });
  }

  private void record(ServerWebExchange exchange, long start, @Nullable Throwable error, boolean cancelled) {
    long duration = ticker.nanos() - start;
    ServerHttpRequest request = exchange.getRequest();
    ServerHttpResponse response = exchange.getResponse();
    HttpHeaders headers = request.getHeaders();
    boolean grpc = InboundRequests.isGrpc(headers.getFirst(HttpHeaders.CONTENT_TYPE));
    HttpStatusCode code = response.getStatusCode();
    int status = code != null ? code.value() : 200;
    if (error != null && !response.isCommitted()) {
      // WebFlux's error handling answers after the filters: with the status an ErrorResponse
      // (ResponseStatusException, ...) carries, else 500.
      status = error instanceof ErrorResponse e ? e.getStatusCode().value() : 500;
    }
    if (cancelled && !response.isCommitted()) {
      // The client went away before a response: Envoy's DC, with no response code.
      status = 0;
    }
    SslInfo ssl = request.getSslInfo();
    String peer = ssl == null ? null : InboundRequests.peerPrincipal(ssl.getPeerCertificates());
    String local = ssl == null ? null : localPrincipal.get();
    String authority = headers.getFirst(HttpHeaders.HOST);
    InboundRequest inbound = new InboundRequest(authority, grpc, status,
        grpc ? response.getHeaders().getFirst("grpc-status") : null, cancelled ? "DC" : "", peer, local,
        headers.getFirst(InboundRequest.PEER_METADATA_HEADER));
    metrics.inboundEnded(inbound, duration, headers.getContentLength(), response.getHeaders().getContentLength());
  }

  @Override
  public int getOrder() {
    return MeshInboundMetricsFilter.ORDER;
  }
}
