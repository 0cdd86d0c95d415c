package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.HttpDirectResponse;
import dev.mesh4j.api.config.HttpRedirect;
import dev.mesh4j.api.config.StringMatch;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.internal.routing.CompiledMatch;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The responses mesh4j makes itself, shaped as Envoy's local replies (SPEC §11). */
final class LocalReplies {
  private LocalReplies() {}

  static final String RESET_PREFIX = "upstream connect error or disconnect/reset before headers. ";

  static final LocalReply NO_ROUTE = LocalReply.of(404, "NR", "");
  static final LocalReply NO_CLUSTER = LocalReply.of(503, "NC", "");
  static final LocalReply NO_HEALTHY_UPSTREAM = LocalReply.of(503, "UH", "no healthy upstream");
  /** REGISTRY_ONLY's {@code block_all} route: a direct 502 without body or flag. */
  static final LocalReply BLACKHOLE = LocalReply.of(502, "", "");

  static LocalReply abort(int status) {
    return LocalReply.of(status, "FI", "fault filter abort");
  }

  /** gRPC status codes by name, as {@code abort.grpcStatus} names them. */
  private static final List<String> GRPC_CODES = List.of("OK", "CANCELLED", "UNKNOWN",
      "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
      "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");

  /**
   * A gRPC abort as Envoy's fault filter sends it: a trailers-only gRPC response (HTTP 200) whose
   * {@code grpc-status} is the code and {@code grpc-message} the reason.
   */
  static LocalReply grpcAbort(String code) {
    int n = GRPC_CODES.indexOf(code);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/grpc");
    headers.put("grpc-status", Integer.toString(n < 0 ? 2 : n));
    headers.put("grpc-message", "fault filter abort");
    return new LocalReply(200, "FI", "", headers);
  }

  static LocalReply clusterFailure(String why) {
    return LocalReply.of(503, "UF", RESET_PREFIX + "reset reason: connection failure, transport failure reason: " + why);
  }

  /**
   * A request that needs the workload identity (for {@code ISTIO_MUTUAL} or auto mTLS) while the
   * mesh has none: 503 {@code UF} saying why, nothing sent — never plain text instead.
   */
  static LocalReply noIdentity(String cluster, String why) {
    return clusterFailure("mutual TLS to " + cluster + " needs the workload identity, and " + why
        + "; nothing was sent");
  }

  /** A connection-pool overflow: Envoy's body and {@code x-envoy-overloaded}. */
  static final LocalReply OVERFLOW = new LocalReply(503, "UO",
      RESET_PREFIX + "reset reason: overflow", Map.of("x-envoy-overloaded", "true"));

  /** The reply with one more response flag. */
  static LocalReply withFlag(LocalReply reply, String flag) {
    String flags = reply.flags().isEmpty() ? flag : reply.flags() + "," + flag;
    return new LocalReply(reply.status(), flags, reply.body(), reply.headers());
  }

  /** Envoy's route timeout reply. */
  static final LocalReply ROUTE_TIMEOUT = LocalReply.of(504, "UT", "upstream request timeout");

  /**
   * The local reply for an attempt that failed before response headers.
   *
   * @param retried whether earlier attempts were made (Envoy then says "retried and the latest")
   * @param retryLimitReached whether a retry was wanted but the limit was reached (flag URX)
   */
  static LocalReply failure(UpstreamFailure failure, boolean retried, boolean retryLimitReached) {
    return failure(failure, retried, retryLimitReached, null);
  }

  /**
   * The same, for a connection whose TLS handshake failed ({@code tlsError} not null): Envoy's
   * {@code connection failure, transport failure reason: TLS error: …}, with the JDK's reason (an
   * untrusted chain, a peer that is not the identity expected) in place of BoringSSL's.
   */
  static LocalReply failure(UpstreamFailure failure, boolean retried, boolean retryLimitReached,
      @Nullable String tlsError) {
    if (tlsError != null && failure == UpstreamFailure.CONNECT_FAILURE) {
      return LocalReply.of(503, retryLimitReached ? "UF,URX" : "UF", RESET_PREFIX + (retried ? "retried and the latest "
          : "") + "reset reason: connection failure, transport failure reason: TLS error: " + tlsError);
    }
    String flag;
    String reason;
    switch (failure) {
      case CONNECT_FAILURE -> {
        flag = "UF";
        reason = "remote connection failure";
      }
      case CONNECT_TIMEOUT -> {
        flag = "UF";
        reason = "connection timeout";
      }
      case CONNECTION_TERMINATION -> {
        flag = "UC";
        reason = "connection termination";
      }
      case REMOTE_RESET -> {
        flag = "UR";
        reason = "remote reset";
      }
      case PROTOCOL_ERROR -> {
        String flags = retryLimitReached ? "UPE,URX" : "UPE";
        return LocalReply.of(502, flags, RESET_PREFIX + (retried ? "retried and the latest " : "")
            + "reset reason: protocol error");
      }
      case TIMEOUT -> {
        return LocalReply.of(504, retryLimitReached ? "UT,URX" : "UT", "upstream request timeout");
      }
      default -> throw new IllegalArgumentException("not an upstream failure: rethrown, no local reply");
    }
    return LocalReply.of(503, retryLimitReached ? flag + ",URX" : flag,
        RESET_PREFIX + (retried ? "retried and the latest " : "") + "reset reason: " + reason);
  }

  static LocalReply direct(HttpDirectResponse d) {
    return LocalReply.of(d.status(), "", new String(d.body(), StandardCharsets.UTF_8));
  }

  /**
   * A redirect as Envoy builds it ({@code Utility::newUri}): scheme, host and port from the
   * redirect or the request, the redirect path (or the request's), and the request's query
   * unless the redirect path carries its own.
   */
  static LocalReply redirect(HttpRedirect r, MeshRequest request, CompiledMatch match) {
    String scheme = r.scheme() != null ? r.scheme() : request.scheme();
    int port = 0;
    if (r.port() != null) {
      port = r.port();
    } else if (r.derivePort() == HttpRedirect.DerivePort.FROM_REQUEST_PORT) {
      port = request.port();
    }
    if ((scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443)) {
      port = 0;
    }
    String host;
    if (r.authority() != null) {
      host = r.authority();
    } else {
      host = request.authority();
      boolean schemeChanges = !scheme.equals(request.scheme());
      boolean defaultPort = (request.scheme().equals("http") && request.port() == 80)
          || (request.scheme().equals("https") && request.port() == 443);
      if (port != 0 || (schemeChanges && defaultPort)) {
        host = stripPort(host);
      }
    }
    String path;
    String query = request.rawQuery();
    if (r.prefixRewrite() != null) {
      // Envoy's prefix_rewrite: the part the route's prefix match consumed (the leading "/"
      // when the match has no uri) is replaced; Istio allows it only with prefix uri matches.
      String p = request.path();
      int consumed = match.uriKind() == StringMatch.Kind.PREFIX
          ? Math.min(match.uriValue().length(), p.length()) : Math.min(1, p.length());
      path = r.prefixRewrite() + p.substring(consumed) + (query == null ? "" : "?" + query);
    } else if (r.uri() == null || r.uri().isEmpty()) {
      path = request.path() + (query == null ? "" : "?" + query);
    } else {
      path = r.uri().startsWith("/") ? r.uri() : "/" + r.uri();
      if (query != null && path.indexOf('?') < 0) {
        path = path + "?" + query;
      }
    }
    String location = scheme + "://" + host + (port == 0 ? "" : ":" + port) + path;
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("location", location);
    return new LocalReply(r.redirectCode(), "", "", headers);
  }

  private static String stripPort(String authority) {
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(0, end + 1);
    }
    int colon = authority.lastIndexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }
}
