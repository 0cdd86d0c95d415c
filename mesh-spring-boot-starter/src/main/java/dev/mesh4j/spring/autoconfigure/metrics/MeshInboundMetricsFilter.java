package dev.mesh4j.spring.autoconfigure.metrics;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.core.metrics.InboundRequest;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records each request a servlet application answers in Istio's metrics with
 * {@code reporter="destination"}, as the application's sidecar would: duration from the filter's
 * entry to the response's completion (for an async request, when its async processing completes),
 * {@code source_principal} from the client's certificate, {@code connection_security_policy}
 * {@code mutual_tls} when the request came over the mesh's mutual TLS, the client's workload
 * ({@code source_workload}, {@code source_app}, …) from the peer metadata a sidecar'd or meshed
 * client sends ({@code x-envoy-peer-metadata}). First of the mesh's filters, so that its duration
 * covers theirs.
 */
public final class MeshInboundMetricsFilter extends OncePerRequestFilter implements Ordered {
  /** Before every other mesh filter. */
  public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 1;
  private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

  private final MicrometerIstioMetrics metrics;
  private final Ticker ticker;
  private final Supplier<@Nullable String> localPrincipal;

  /**
   * @param localPrincipal the SPIFFE ID the server presents over TLS, or a supplier of null when
   *     it presents none of the mesh
   */
  MeshInboundMetricsFilter(MicrometerIstioMetrics metrics, Ticker ticker, Supplier<@Nullable String> localPrincipal) {
    this.metrics = requireNonNull(metrics, "metrics");
    this.ticker = requireNonNull(ticker, "ticker");
    this.localPrincipal = requireNonNull(localPrincipal, "localPrincipal");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long start = ticker.nanos();
    boolean failed = true;
    try {
      chain.doFilter(request, response);
      failed = false;
    } finally {
      if (!failed && request.isAsyncStarted()) {
        request.getAsyncContext().addListener(new AsyncListener() {
          @Override
          public void onComplete(AsyncEvent event) {
            record(request, response, start, false);
          }

          @Override
          public void onTimeout(AsyncEvent event) {}

          @Override
          public void onError(AsyncEvent event) {}

          @Override
          public void onStartAsync(AsyncEvent event) {}
        });
      } else {
        record(request, response, start, failed);
      }
    }
  }

  private void record(HttpServletRequest request, HttpServletResponse response, long start, boolean failed) {
    long duration = ticker.nanos() - start;
    boolean grpc = InboundRequests.isGrpc(request.getContentType());
    // An exception escaping the chain becomes a 500 past this filter, unless a response was sent.
    int status = failed && !response.isCommitted() ? 500 : response.getStatus();
    String peer = request.isSecure() && request.getAttribute(CERTIFICATES) instanceof X509Certificate[] chain
        ? InboundRequests.peerPrincipal(chain) : null;
    String local = request.isSecure() ? localPrincipal.get() : null;
    InboundRequest inbound = new InboundRequest(request.getHeader("host"), grpc, status,
        grpc ? grpcStatus(response) : null, "", peer, local, request.getHeader(InboundRequest.PEER_METADATA_HEADER));
    metrics.inboundEnded(inbound, duration, request.getContentLengthLong(), responseLength(response));
  }

  private static @Nullable String grpcStatus(HttpServletResponse response) {
    String status = response.getHeader("grpc-status");
    if (status != null) {
      return status;
    }
    Supplier<Map<String, String>> trailers = response.getTrailerFields();
    Map<String, String> t = trailers == null ? null : trailers.get();
    return t == null ? null : t.get("grpc-status");
  }

  private static long responseLength(HttpServletResponse response) {
    String length = response.getHeader("content-length");
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return true;
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
