package dev.mesh4j.jdkhttp;

import dev.mesh4j.core.http.MeshRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A JDK request as routing sees it: a view over the application's {@link HttpRequest}, no
 * copies. One per hop; the values it computes lazily are the same whichever thread computes them
 * first.
 */
final class JdkRequestView implements MeshRequest {
  private final HttpRequest request;
  private final URI uri;
  private final String scheme;
  private final String host;
  private final int port;
  private @Nullable String authority;

  JdkRequestView(HttpRequest request) {
    this.request = request;
    this.uri = request.uri();
    this.scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String h = uri.getHost().toLowerCase(Locale.ROOT);
    // IPv6 literals without brackets, as OkHttp's view has them.
    this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    this.port = uri.getPort() != -1 ? uri.getPort() : defaultPort(scheme);
  }

  static int defaultPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }

  /**
   * Every body is resent as the JDK resends it (for its redirects): by subscribing to the
   * request's {@code BodyPublisher} again. A publisher that can be read only once is marked with
   * {@link MeshJdkHttp#oneShot}.
   */
  @Override
  public boolean replayable() {
    return request.bodyPublisher().map(p -> !(p instanceof OneShotPublisher)).orElse(true);
  }

  @Override
  public long bodyLength() {
    return request.bodyPublisher().map(HttpRequest.BodyPublisher::contentLength).orElse(0L);
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public int port() {
    return port;
  }

  /** The {@code Host} header the application set, else what the JDK sends: host[:port], the port when not the scheme's. */
  @Override
  public String authority() {
    String a = authority;
    if (a == null) {
      a = request.headers().firstValue("Host").orElse(null);
      if (a == null) {
        String h = uri.getHost();
        a = port == defaultPort(scheme) ? h : h + ":" + port;
      }
      authority = a;
    }
    return a;
  }

  @Override
  public String path() {
    String p = uri.getRawPath();
    return p == null || p.isEmpty() ? "/" : p;
  }

  @Override
  public @Nullable String rawQuery() {
    return uri.getRawQuery();
  }

  @Override
  public @Nullable String header(String lowerCaseName) {
    List<String> values = request.headers().allValues(lowerCaseName);
    if (values.isEmpty()) {
      return null;
    }
    return values.size() == 1 ? values.get(0) : String.join(",", values);
  }

  HttpRequest request() {
    return request;
  }

  URI uri() {
    return uri;
  }
}
