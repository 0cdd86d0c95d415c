package dev.mesh4j.core.http;

import org.jspecify.annotations.Nullable;

/**
 * The application's request, as routing sees it. Transports implement it as a thin view over
 * their own request type; {@link #builder(String)} makes one for tools and tests.
 *
 * <p>Implementations should be cheap: routing calls {@link #header(String)} once per header
 * condition it evaluates.
 */
public interface MeshRequest {

  /** The HTTP method, upper case ({@code GET}). */
  String method();

  /** The scheme the application used: {@code http} or {@code https}. */
  String scheme();

  /** The host the application addressed, lower case, without port. */
  String host();

  /** The port the application addressed (the scheme's default when the URL names none). */
  int port();

  /**
   * The authority as sent: the {@code Host} header the application set, else the URL's
   * host[:port] (the port only when the URL names one).
   */
  String authority();

  /** The path, percent-encoded as sent, without the query string. Never empty. */
  String path();

  /** The query string as sent (without {@code ?}), or null when there is none. */
  @Nullable String rawQuery();

  /**
   * The values of a header, joined with {@code ","} in the order sent, or null when absent.
   *
   * @param lowerCaseName the header name in lower case
   */
  @Nullable String header(String lowerCaseName);

  /**
   * Whether the request's body can be sent again (default true): false for a body that can be
   * read only once (a stream), whose first failure is then final — as for a sidecar that cannot
   * buffer it. Requests without a body are always resendable.
   */
  default boolean replayable() {
    return true;
  }

  /** The size of the request body in bytes: 0 without a body, -1 when unknown (default 0). */
  default long bodyLength() {
    return 0;
  }

  /**
   * The first value of a query parameter as sent (not percent-decoded), {@code ""} for a
   * parameter without a value ({@code ?debug}), or null when absent. This is how Envoy reads
   * query parameters for route matching and hashing.
   */
  default @Nullable String queryParameter(String name) {
    return QueryStrings.firstValue(rawQuery(), name);
  }

  /** A request for {@code GET url}; see {@link Builder}. */
  static Builder builder(String url) {
    return new Builder(url);
  }

  /** Builds a {@link MeshRequest} from a URL, for tools, tests and {@code explain}. */
  final class Builder {
    private final SimpleMeshRequest.Parts parts;

    private Builder(String url) {
      this.parts = SimpleMeshRequest.Parts.parse(url);
    }

    public Builder method(String method) {
      parts.method = method.toUpperCase(java.util.Locale.ROOT);
      return this;
    }

    /** Adds a header value (a second value of the same name is joined with {@code ","}). */
    public Builder header(String name, String value) {
      parts.addHeader(name, value);
      return this;
    }

    public MeshRequest build() {
      return new SimpleMeshRequest(parts);
    }
  }
}
