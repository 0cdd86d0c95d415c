package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.observe.RouteDecision;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import org.jspecify.annotations.Nullable;

/**
 * What mesh4j's spans say: OpenTelemetry's HTTP client semantic conventions (stable) plus
 * {@code mesh4j.*} attributes for the mesh's decisions. Called only for recording spans.
 */
final class SpanAttributes {
  static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
  static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> NETWORK_PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("mesh4j.request_id");
  static final AttributeKey<String> VIRTUAL_SERVICE = AttributeKey.stringKey("mesh4j.virtual_service");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("mesh4j.route");
  static final AttributeKey<String> CLUSTER = AttributeKey.stringKey("mesh4j.cluster");
  static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("mesh4j.destination_service");
  static final AttributeKey<String> SUBSET = AttributeKey.stringKey("mesh4j.subset");
  static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("mesh4j.endpoint");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("mesh4j.attempt");
  static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("mesh4j.attempts");
  static final AttributeKey<String> RESPONSE_FLAGS = AttributeKey.stringKey("mesh4j.response_flags");

  private SpanAttributes() {}

  static void requestStarted(Span span, MeshRequest request, String requestId) {
    span.setAttribute(HTTP_REQUEST_METHOD, request.method());
    span.setAttribute(URL_FULL, url(request));
    span.setAttribute(SERVER_ADDRESS, request.host());
    span.setAttribute(SERVER_PORT, (long) request.port());
    span.setAttribute(REQUEST_ID, requestId);
  }

  static void routed(Span span, RouteDecision decision) {
    if (decision.virtualService() != null) {
      span.setAttribute(VIRTUAL_SERVICE, decision.virtualService());
    }
    if (decision.routeName() != null) {
      span.setAttribute(ROUTE, decision.routeName());
    }
    if (decision.destinationService() != null) {
      span.setAttribute(DESTINATION, decision.destinationService());
    }
    destination(span, decision);
  }

  static void destination(Span span, RouteDecision decision) {
    if (decision.cluster() != null) {
      span.setAttribute(CLUSTER, decision.cluster());
    }
    if (decision.subset() != null) {
      span.setAttribute(SUBSET, decision.subset());
    }
  }

  static void attemptStarted(Span span, MeshRequest request, UpstreamRequest upstream, @Nullable RouteDecision route) {
    span.setAttribute(HTTP_REQUEST_METHOD, request.method());
    span.setAttribute(SERVER_ADDRESS, request.host());
    span.setAttribute(SERVER_PORT, (long) request.port());
    span.setAttribute(ATTEMPT, (long) upstream.attempt());
    if (upstream.attempt() > 1) {
      span.setAttribute(HTTP_REQUEST_RESEND_COUNT, (long) upstream.attempt() - 1);
    }
    Endpoint e = upstream.endpoint();
    if (e != null) {
      span.setAttribute(NETWORK_PEER_ADDRESS, e.address());
      span.setAttribute(NETWORK_PEER_PORT, (long) e.port());
      span.setAttribute(ENDPOINT, e.hostPort());
      span.setAttribute(URL_FULL, upstream.scheme() + "://" + e.hostPort() + upstream.path()
          + (upstream.rawQuery() == null ? "" : "?" + upstream.rawQuery()));
    } else {
      span.setAttribute(URL_FULL, url(request));
    }
    if (route != null) {
      destination(span, route);
    }
  }

  static void responded(Span span, int status) {
    span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
    if (status >= 400) {
      span.setAttribute(ERROR_TYPE, Integer.toString(status));
      span.setStatus(StatusCode.ERROR);
    }
  }

  static void attemptFailed(Span span, UpstreamFailure how, Throwable e) {
    span.setAttribute(ERROR_TYPE, e.getClass().getName());
    span.setStatus(StatusCode.ERROR, how.name());
  }

  static void requestEnded(Span span, int status, String flags, int attempts) {
    responded(span, status);
    span.setAttribute(ATTEMPTS, (long) attempts);
    if (!flags.isEmpty()) {
      span.setAttribute(RESPONSE_FLAGS, flags);
    }
  }

  static void requestFailed(Span span, Throwable e, int attempts) {
    span.setAttribute(ERROR_TYPE, e.getClass().getName());
    span.setAttribute(ATTEMPTS, (long) attempts);
    span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
  }

  static String url(MeshRequest r) {
    String q = r.rawQuery();
    return r.scheme() + "://" + r.authority() + r.path() + (q == null ? "" : "?" + q);
  }
}
