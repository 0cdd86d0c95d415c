package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP route of a VirtualService ({@code HTTPRoute}): conditions and what to do with a
 * request that meets them. Exactly one of {@code route}, {@code redirect},
 * {@code directResponse} and {@code delegate} decides the outcome.
 *
 * <p>Built in code, bookinfo's {@code virtual-service-reviews-jason-v2-v3.yaml} routes read:
 *
 * <pre>{@code
 * HttpRoute jason = HttpRoute.builder()
 *     .match(HttpMatchRequest.builder().header("end-user", StringMatch.exact("jason")))
 *     .route(Destination.of("reviews", "v2"))
 *     .build();
 * HttpRoute everyoneElse = HttpRoute.builder()
 *     .route(Destination.of("reviews", "v3"))
 *     .build();
 * }</pre>
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

  /** A builder of a route that matches every request and, until given one, has no outcome. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this route. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.match.addAll(match);
    b.route.addAll(route);
    b.redirect = redirect;
    b.directResponse = directResponse;
    b.delegate = delegate;
    b.rewrite = rewrite;
    b.timeout = timeout;
    b.retries = retries;
    b.fault = fault;
    b.mirrors.addAll(mirrors);
    b.headers = headers;
    return b;
  }

  /**
   * Builds an {@link HttpRoute}. Lists accumulate (each call appends); other setters replace;
   * nested builders are built when passed. No validation (the mesh checks the route as it checks
   * YAML: one outcome, weights, and so on). Not thread-safe; {@link #build()} may be called again.
   */
  public static final class Builder {
    private @Nullable String name;
    private final List<HttpMatchRequest> match = new ArrayList<>();
    private final List<HttpRouteDestination> route = new ArrayList<>();
    private @Nullable HttpRedirect redirect;
    private @Nullable HttpDirectResponse directResponse;
    private @Nullable Delegate delegate;
    private @Nullable HttpRewrite rewrite;
    private @Nullable Duration timeout;
    private @Nullable HttpRetry retries;
    private @Nullable HttpFaultInjection fault;
    private @Nullable Destination mirror;
    private @Nullable Double mirrorPercentage;
    private final List<HttpMirrorPolicy> mirrors = new ArrayList<>();
    private Headers headers = Headers.NONE;

    private Builder() {}

    /** Sets the route's name, shown in explain output, logs and metrics (Istio {@code name}). */
    public Builder name(String name) {
      this.name = requireNonNull(name, "name");
      return this;
    }

    /** Adds match conditions; any one of them selects the route (Istio {@code match}). */
    public Builder match(HttpMatchRequest... match) {
      Builders.addAll(this.match, match, "match");
      return this;
    }

    /**
     * Adds match conditions, built now; any one of them selects the route (Istio {@code match}).
     */
    public Builder match(HttpMatchRequest.Builder... match) {
      requireNonNull(match, "match");
      for (HttpMatchRequest.Builder m : match) {
        this.match.add(requireNonNull(m, "match").build());
      }
      return this;
    }

    /** Adds match conditions; any one of them selects the route (Istio {@code match}). */
    public Builder match(Collection<HttpMatchRequest> match) {
      Builders.addAll(this.match, match, "match");
      return this;
    }

    /** Adds weighted destinations (Istio {@code route}). */
    public Builder route(HttpRouteDestination... route) {
      Builders.addAll(this.route, route, "route");
      return this;
    }

    /** Adds weighted destinations, built now (Istio {@code route}). */
    public Builder route(HttpRouteDestination.Builder... route) {
      requireNonNull(route, "route");
      for (HttpRouteDestination.Builder d : route) {
        this.route.add(requireNonNull(d, "route").build());
      }
      return this;
    }

    /** Adds weighted destinations (Istio {@code route}). */
    public Builder route(Collection<HttpRouteDestination> route) {
      Builders.addAll(this.route, route, "route");
      return this;
    }

    /** Adds a destination without a weight (Istio {@code route: [{destination}]}). */
    public Builder route(Destination destination) {
      requireNonNull(destination, "destination");
      route.add(new HttpRouteDestination(destination, null, Headers.NONE));
      return this;
    }

    /** Adds a destination with a weight (Istio {@code route: [{destination, weight}]}). */
    public Builder route(Destination destination, int weight) {
      route.add(HttpRouteDestination.of(requireNonNull(destination, "destination"), weight));
      return this;
    }

    /** Sets a redirect answered without an upstream call (Istio {@code redirect}). */
    public Builder redirect(HttpRedirect redirect) {
      this.redirect = requireNonNull(redirect, "redirect");
      return this;
    }

    /** Sets a redirect, built now, answered without an upstream call (Istio {@code redirect}). */
    public Builder redirect(HttpRedirect.Builder redirect) {
      return redirect(requireNonNull(redirect, "redirect").build());
    }

    /** Sets a fixed response answered without an upstream call (Istio {@code directResponse}). */
    public Builder directResponse(HttpDirectResponse directResponse) {
      this.directResponse = requireNonNull(directResponse, "directResponse");
      return this;
    }

    /** Sets a fixed response, built now (Istio {@code directResponse}). */
    public Builder directResponse(HttpDirectResponse.Builder directResponse) {
      return directResponse(requireNonNull(directResponse, "directResponse").build());
    }

    /** Sets the delegate VirtualService whose routes replace this one (Istio {@code delegate}). */
    public Builder delegate(Delegate delegate) {
      this.delegate = requireNonNull(delegate, "delegate");
      return this;
    }

    /** Sets the delegate VirtualService, built now (Istio {@code delegate}). */
    public Builder delegate(Delegate.Builder delegate) {
      return delegate(requireNonNull(delegate, "delegate").build());
    }

    /** Sets the URI and authority rewrite applied before forwarding (Istio {@code rewrite}). */
    public Builder rewrite(HttpRewrite rewrite) {
      this.rewrite = requireNonNull(rewrite, "rewrite");
      return this;
    }

    /** Sets the rewrite, built now, applied before forwarding (Istio {@code rewrite}). */
    public Builder rewrite(HttpRewrite.Builder rewrite) {
      return rewrite(requireNonNull(rewrite, "rewrite").build());
    }

    /**
     * Sets the whole-request timeout, retries included (Istio {@code timeout}); none unless set.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = requireNonNull(timeout, "timeout");
      return this;
    }

    /** Sets the retry policy (Istio {@code retries}); Istio's default policy unless set. */
    public Builder retries(HttpRetry retries) {
      this.retries = requireNonNull(retries, "retries");
      return this;
    }

    /** Sets the retry policy, built now (Istio {@code retries}). */
    public Builder retries(HttpRetry.Builder retries) {
      return retries(requireNonNull(retries, "retries").build());
    }

    /** Sets delay and abort injection (Istio {@code fault}). */
    public Builder fault(HttpFaultInjection fault) {
      this.fault = requireNonNull(fault, "fault");
      return this;
    }

    /** Sets delay and abort injection, built now (Istio {@code fault}). */
    public Builder fault(HttpFaultInjection.Builder fault) {
      return fault(requireNonNull(fault, "fault").build());
    }

    /**
     * Sets the destination a copy of each request is sent to (Istio {@code mirror}); it comes
     * before the {@link #mirrors(HttpMirrorPolicy...) mirrors} entries.
     */
    public Builder mirror(Destination mirror) {
      this.mirror = requireNonNull(mirror, "mirror");
      return this;
    }

    /** Sets the {@code mirror} destination, built now (Istio {@code mirror}). */
    public Builder mirror(Destination.Builder mirror) {
      return mirror(requireNonNull(mirror, "mirror").build());
    }

    /**
     * Sets the share of requests copied to {@link #mirror(Destination) mirror}, 0..100 (Istio
     * {@code mirrorPercentage.value}); 100 unless set, and no effect without {@code mirror}.
     */
    public Builder mirrorPercentage(double percentage) {
      this.mirrorPercentage = percentage;
      return this;
    }

    /** Adds mirror destinations, each with its own percentage (Istio {@code mirrors}). */
    public Builder mirrors(HttpMirrorPolicy... mirrors) {
      Builders.addAll(this.mirrors, mirrors, "mirrors");
      return this;
    }

    /** Adds mirror destinations, built now (Istio {@code mirrors}). */
    public Builder mirrors(HttpMirrorPolicy.Builder... mirrors) {
      requireNonNull(mirrors, "mirrors");
      for (HttpMirrorPolicy.Builder m : mirrors) {
        this.mirrors.add(requireNonNull(m, "mirrors").build());
      }
      return this;
    }

    /** Adds mirror destinations (Istio {@code mirrors}). */
    public Builder mirrors(Collection<HttpMirrorPolicy> mirrors) {
      Builders.addAll(this.mirrors, mirrors, "mirrors");
      return this;
    }

    /** Sets the request and response header manipulation of the route (Istio {@code headers}). */
    public Builder headers(Headers headers) {
      this.headers = requireNonNull(headers, "headers");
      return this;
    }

    /** Sets the route's header manipulation, built now (Istio {@code headers}). */
    public Builder headers(Headers.Builder headers) {
      return headers(requireNonNull(headers, "headers").build());
    }

    /** The route as set so far. */
    public HttpRoute build() {
      List<HttpMirrorPolicy> all = mirrors;
      if (mirror != null) {
        // Istio's mirror + mirrorPercentage is one more mirror, read before the mirrors list.
        all = new ArrayList<>(mirrors.size() + 1);
        all.add(new HttpMirrorPolicy(mirror, mirrorPercentage == null ? 100 : mirrorPercentage));
        all.addAll(mirrors);
      }
      return new HttpRoute(name, match, route, redirect, directResponse, delegate, rewrite,
          timeout, retries, fault, all, headers);
    }
  }
}
