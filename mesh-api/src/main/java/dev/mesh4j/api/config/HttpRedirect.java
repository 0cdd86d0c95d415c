package dev.mesh4j.api.config;

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
}
