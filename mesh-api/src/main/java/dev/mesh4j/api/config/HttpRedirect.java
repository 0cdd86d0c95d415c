package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP redirect answered by mesh4j itself ({@code HTTPRedirect}); nothing is sent upstream.
 *
 * @param uri replaces the path of the request ({@code null} keeps it)
 * @param prefixRewrite replaces the part of the path the route's {@code uri.prefix} match
 *     consumed (Envoy's {@code prefix_rewrite}); only one of {@code uri} and this is set
 * @param authority replaces the authority
 * @param port the port of the redirect location
 * @param derivePort how to derive the port when {@code port} is not given
 * @param scheme replaces the scheme
 * @param redirectCode the status code, 301 unless given
 */
public record HttpRedirect(
    @Nullable String uri,
    @Nullable String prefixRewrite,
    @Nullable String authority,
    @Nullable Integer port,
    @Nullable DerivePort derivePort,
    @Nullable String scheme,
    int redirectCode) {

  /** Istio's default redirect status. */
  public static final int DEFAULT_REDIRECT_CODE = 301;

  /** How a redirect's port is derived ({@code HTTPRedirect.RedirectPortSelection}). */
  public enum DerivePort {
    /** 80 for http, 443 for https. */
    FROM_PROTOCOL_DEFAULT,
    /** The port the request used. */
    FROM_REQUEST_PORT
  }

  /** A builder of a redirect that keeps the request's location and answers 301. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this redirect. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.uri = uri;
    b.prefixRewrite = prefixRewrite;
    b.authority = authority;
    b.port = port;
    b.derivePort = derivePort;
    b.scheme = scheme;
    b.redirectCode = redirectCode;
    return b;
  }

  /**
   * Builds an {@link HttpRedirect}. Setters replace; as in Istio, an empty string or a 0 port
   * means unset. No validation. Not thread-safe; {@link #build()} may be called again.
   */
  public static final class Builder {
    private @Nullable String uri;
    private @Nullable String prefixRewrite;
    private @Nullable String authority;
    private @Nullable Integer port;
    private @Nullable DerivePort derivePort;
    private @Nullable String scheme;
    private int redirectCode = DEFAULT_REDIRECT_CODE;

    private Builder() {}

    /** Replaces the path of the request (Istio {@code uri}). */
    public Builder uri(String uri) {
      this.uri = Builders.emptyIsUnset(uri, "uri");
      return this;
    }

    /**
     * Replaces the part of the path a {@code uri.prefix} match consumed (Istio {@code
     * prefixRewrite}).
     */
    public Builder prefixRewrite(String prefixRewrite) {
      this.prefixRewrite = Builders.emptyIsUnset(prefixRewrite, "prefixRewrite");
      return this;
    }

    /** Replaces the authority (Istio {@code authority}). */
    public Builder authority(String authority) {
      this.authority = Builders.emptyIsUnset(authority, "authority");
      return this;
    }

    /** Sets the port of the redirect location (Istio {@code port}). */
    public Builder port(int port) {
      this.port = Builders.zeroIsUnset(port);
      return this;
    }

    /** Sets how the port is derived when none is given (Istio {@code derivePort}). */
    public Builder derivePort(DerivePort derivePort) {
      this.derivePort = requireNonNull(derivePort, "derivePort");
      return this;
    }

    /** Replaces the scheme, {@code http} or {@code https} (Istio {@code scheme}). */
    public Builder scheme(String scheme) {
      this.scheme = Builders.emptyIsUnset(scheme, "scheme");
      return this;
    }

    /** Sets the redirect status (Istio {@code redirectCode}); 301 unless set, 0 means 301. */
    public Builder redirectCode(int redirectCode) {
      this.redirectCode = redirectCode == 0 ? DEFAULT_REDIRECT_CODE : redirectCode;
      return this;
    }

    /** The redirect as set so far. */
    public HttpRedirect build() {
      return new HttpRedirect(uri, prefixRewrite, authority, port, derivePort, scheme,
          redirectCode);
    }
  }
}
