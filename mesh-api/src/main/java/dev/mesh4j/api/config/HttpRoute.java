package dev.mesh4j.api.config;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP route of a VirtualService ({@code HTTPRoute}): conditions and what to do with a
 * request that meets them. Exactly one of {@code route}, {@code redirect},
 * {@code directResponse} and {@code delegate} decides the outcome.
 *
 * @param name optional route name, shown in explain output, logs and metrics
 * @param match the conditions (OR of the list); empty matches every request
 * @param route weighted destinations
 * @param redirect an HTTP redirect answered without an upstream call
 * @param directResponse a fixed response answered without an upstream call
 * @param delegate another VirtualService whose routes are inlined here
 * @param rewrite URI and authority rewrite before forwarding
 * @param timeout the whole-request timeout including retries; {@code null} = none (Istio's
 *     default)
 * @param retries the retry policy; {@code null} = Istio's default policy
 * @param fault delay and abort injection
 * @param mirrors traffic mirroring ({@code mirror} + {@code mirrorPercentage}, or
 *     {@code mirrors})
 * @param headers header manipulation at route level
 */
public record HttpRoute(
    @Nullable String name,
    List<HttpMatchRequest> match,
    List<HttpRouteDestination> route,
    @Nullable HttpRedirect redirect,
    @Nullable HttpDirectResponse directResponse,
    @Nullable Delegate delegate,
    @Nullable HttpRewrite rewrite,
    @Nullable Duration timeout,
    @Nullable HttpRetry retries,
    @Nullable HttpFaultInjection fault,
    List<HttpMirrorPolicy> mirrors,
    Headers headers) {

  public HttpRoute {
    match = Copies.list(match);
    route = Copies.list(route);
    mirrors = Copies.list(mirrors);
    headers = headers == null ? Headers.NONE : headers;
  }

  /** A route that sends every request to the given destinations. */
  public static HttpRoute to(HttpRouteDestination... destinations) {
    return new HttpRoute(null, List.of(), List.of(destinations), null, null, null, null, null,
        null, null, List.of(), Headers.NONE);
  }
}
