package dev.mesh4j.core.http;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The {@link MeshRequest} made by {@link MeshRequest#builder(String)}. Immutable. */
final class SimpleMeshRequest implements MeshRequest {
  private final String method;
  private final String scheme;
  private final String host;
  private final int port;
  private final String authority;
  private final String path;
  private final @Nullable String query;
  private final Map<String, String> headers;

  SimpleMeshRequest(Parts p) {
    this.method = p.method;
    this.scheme = p.scheme;
    this.host = p.host;
    this.port = p.port;
    String hostHeader = p.headers.get("host");
    this.authority = hostHeader != null ? hostHeader : p.authority;
    this.path = p.path;
    this.query = p.query;
    this.headers = Map.copyOf(p.headers);
  }

  @Override
  public String method() {
    return method;
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

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public @Nullable String rawQuery() {
    return query;
  }

  @Override
  public @Nullable String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  @Override
  public String toString() {
    return method + " " + scheme + "://" + authority + path + (query == null ? "" : "?" + query)
        + (headers.isEmpty() ? "" : " " + headers);
  }

  /** Mutable parts, filled by the builder. */
  static final class Parts {
    String method = "GET";
    String scheme = "http";
    String host = "";
    int port;
    String authority = "";
    String path = "/";
    @Nullable String query;
    final Map<String, String> headers = new LinkedHashMap<>();

    static Parts parse(String url) {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("url: \"" + url + "\" (" + e.getMessage() + ")", e);
      }
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("url: \"" + url + "\" (expected: http://host[:port]/path)");
      }
      Parts p = new Parts();
      p.scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      p.host = uri.getHost().toLowerCase(Locale.ROOT);
      boolean explicit = uri.getPort() != -1;
      p.port = explicit ? uri.getPort() : p.scheme.equals("https") ? 443 : 80;
      p.authority = explicit ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
      String rawPath = uri.getRawPath();
      p.path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
      p.query = uri.getRawQuery();
      return p;
    }

    void addHeader(String name, String value) {
      headers.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + "," + b);
    }
  }
}
