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
import java.util.Map;

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

  static LocalReply clusterFailure(String why) {
    return LocalReply.of(503, "UF", RESET_PREFIX + "reset reason: connection failure, transport failure reason: " + why);
  }

  static LocalReply failure(UpstreamFailure failure) {
    return switch (failure) {
      case CONNECT_FAILURE -> LocalReply.of(503, "UF", RESET_PREFIX + "reset reason: remote connection failure");
      case CONNECT_TIMEOUT -> LocalReply.of(503, "UF", RESET_PREFIX + "reset reason: connection timeout");
      case CONNECTION_TERMINATION -> LocalReply.of(503, "UC", RESET_PREFIX + "reset reason: connection termination");
      case REMOTE_RESET -> LocalReply.of(503, "UR", RESET_PREFIX + "reset reason: remote reset");
      case PROTOCOL_ERROR -> LocalReply.of(502, "UPE", RESET_PREFIX + "reset reason: protocol error");
      case RETHROW -> throw new IllegalArgumentException("not an upstream failure: rethrown, no local reply");
    };
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
