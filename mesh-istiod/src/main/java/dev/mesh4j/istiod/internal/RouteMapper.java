package dev.mesh4j.istiod.internal;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.HeaderOperations;
import dev.mesh4j.api.config.Headers;
import dev.mesh4j.api.config.HttpDirectResponse;
import dev.mesh4j.api.config.HttpFaultInjection;
import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.HttpMirrorPolicy;
import dev.mesh4j.api.config.HttpRedirect;
import dev.mesh4j.api.config.HttpRetry;
import dev.mesh4j.api.config.HttpRewrite;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.HttpRouteDestination;
import dev.mesh4j.api.config.RegexRewrite;
import dev.mesh4j.api.config.StringMatch;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads an RDS {@code RouteConfiguration} as istiod's gRPC generator writes it (the sidecar's
 * outbound routes, {@code pilot/pkg/networking/core/route}) into mesh4j routes, field by field;
 * every field that would change where or how a request goes and that mesh4j cannot apply is a
 * problem (the resource is NACKed), fields that only concern a proxy (stats, tracing decorators,
 * CORS) are skipped. docs/istiod.md has the table.
 */
public final class RouteMapper {
  /** Envoy's name of the fault filter, the key of its per-route config. */
  static final String FAULT_FILTER = "envoy.filters.http.fault";
  static final String FAULT_TYPE = "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault";
  /** Envoy's default route timeout when a route sets neither timeout nor max_stream_duration. */
  static final Duration ENVOY_DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  private static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
  private static final String PREVIOUS_PRIORITIES = "envoy.retry_priorities.previous_priorities";

  private RouteMapper() {}

  /** The routes of one route configuration, per virtual host. */
  public record RouteTable(String name, List<VirtualHostRoutes> virtualHosts) {}

  /** One virtual host: the domains it serves and its routes in order. */
  public record VirtualHostRoutes(String name, List<String> domains, List<MappedRoute> routes) {}

  /**
   * One Envoy route as a mesh4j route.
   *
   * @param route the route (one match at most: istiod writes one Envoy route per Istio match)
   * @param clusters the clusters it sends to or mirrors to
   * @param hash the hash key of a single-cluster route's hash policy, or null
   * @param istioConfig the Istio resource istiod built it from ({@code filter_metadata.istio.config}), or null
   */
  public record MappedRoute(HttpRoute route, List<ClusterName> clusters, @Nullable ConsistentHashLb hash,
      @Nullable String istioConfig) {}

  /** Reads {@code rc}; problems go to {@code p}, their paths prefixed by {@code prefix}. */
  public static RouteTable map(RouteConfiguration rc, Problems p, String prefix) {
    if (rc.getRequestHeadersToAddCount() + rc.getRequestHeadersToRemoveCount()
        + rc.getResponseHeadersToAddCount() + rc.getResponseHeadersToRemoveCount() > 0) {
      p.error(prefix + "request_headers_to_add", "header operations on a route configuration are not applied "
          + "by mesh4j (istiod writes them on routes)");
    }
    if (rc.hasVhds()) {
      p.error(prefix + "vhds", "on-demand virtual hosts (VHDS) are not supported");
    }
    if (rc.getClusterSpecifierPluginsCount() > 0) {
      p.error(prefix + "cluster_specifier_plugins", "cluster specifier plugins are not supported");
    }
    List<VirtualHostRoutes> hosts = new ArrayList<>();
    for (int i = 0; i < rc.getVirtualHostsCount(); i++) {
      hosts.add(virtualHost(rc.getVirtualHosts(i), p, prefix + "virtual_hosts[" + i + "]."));
    }
    return new RouteTable(rc.getName(), List.copyOf(hosts));
  }

  private static VirtualHostRoutes virtualHost(VirtualHost vh, Problems p, String path) {
    if (vh.getRequireTls() != VirtualHost.TlsRequirementType.NONE) {
      p.error(path + "require_tls", vh.getRequireTls() + " is not supported");
    }
    if (vh.getRequestHeadersToAddCount() + vh.getRequestHeadersToRemoveCount()
        + vh.getResponseHeadersToAddCount() + vh.getResponseHeadersToRemoveCount() > 0) {
      p.error(path + "request_headers_to_add", "header operations on a virtual host are not applied by "
          + "mesh4j (istiod writes them on routes)");
    }
    if (vh.hasRetryPolicy() || vh.hasRetryPolicyTypedConfig()) {
      p.error(path + "retry_policy", "a virtual host's retry policy is not applied (istiod writes it on routes)");
    }
    if (vh.hasHedgePolicy()) {
      p.error(path + "hedge_policy", "request hedging is not supported");
    }
    if (vh.getRateLimitsCount() > 0) {
      p.error(path + "rate_limits", "rate limits are not supported");
    }
    if (vh.containsTypedPerFilterConfig(FAULT_FILTER)) {
      p.error(path + "typed_per_filter_config", "fault injection on a virtual host is not supported "
          + "(istiod writes it on routes)");
    }
    List<MappedRoute> routes = new ArrayList<>();
    for (int i = 0; i < vh.getRoutesCount(); i++) {
      MappedRoute r = route(vh.getRoutes(i), p, path + "routes[" + i + "].");
      if (r != null) {
        routes.add(r);
      }
    }
    return new VirtualHostRoutes(vh.getName(), List.copyOf(vh.getDomainsList()), List.copyOf(routes));
  }

  private static @Nullable MappedRoute route(Route r, Problems p, String path) {
    HttpRoute.Builder out = HttpRoute.builder();
    if (!r.getName().isEmpty()) {
      out.name(r.getName());
    }
    HttpMatchRequest match = match(r.getMatch(), p, path + "match.");
    if (match != null) {
      out.match(match);
    }
    Headers routeHeaders = headers(r.getRequestHeadersToAddList(), r.getRequestHeadersToRemoveList(),
        r.getResponseHeadersToAddList(), r.getResponseHeadersToRemoveList(), p, path);
    out.headers(routeHeaders);
    if (r.getTypedPerFilterConfigMap().containsKey(FAULT_FILTER)) {
      HttpFaultInjection fault = fault(r.getTypedPerFilterConfigMap().get(FAULT_FILTER), p,
          path + "typed_per_filter_config[" + FAULT_FILTER + "].");
      if (fault != null) {
        out.fault(fault);
      }
    }
    List<ClusterName> clusters = new ArrayList<>();
    ConsistentHashLb hash = null;
    switch (r.getActionCase()) {
      case ROUTE -> hash = action(r.getRoute(), out, clusters, p, path + "route.");
      case REDIRECT -> out.redirect(redirect(r.getRedirect(), p, path + "redirect."));
      case DIRECT_RESPONSE -> {
        HttpDirectResponse.Builder d = HttpDirectResponse.builder().status(r.getDirectResponse().getStatus());
        if (r.getDirectResponse().hasBody()) {
          var body = r.getDirectResponse().getBody();
          switch (body.getSpecifierCase()) {
            case INLINE_STRING -> d.bodyString(body.getInlineString());
            case INLINE_BYTES -> d.bodyBytes(body.getInlineBytes().toByteArray());
            default -> p.error(path + "direct_response.body", body.getSpecifierCase()
                + " is not supported (mesh4j reads inline bodies)");
          }
        }
        out.directResponse(d);
      }
      default -> {
        p.error(path + "action", "route action " + r.getActionCase() + " is not supported");
        return null;
      }
    }
    return new MappedRoute(out.build(), List.copyOf(clusters), hash, istioConfig(r.getMetadata()));
  }

  /** {@code /apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews}, if istiod wrote it. */
  private static @Nullable String istioConfig(Metadata metadata) {
    Struct istio = metadata.getFilterMetadataMap().get("istio");
    if (istio == null) {
      return null;
    }
    Value config = istio.getFieldsMap().get("config");
    return config == null || config.getStringValue().isEmpty() ? null : config.getStringValue();
  }

  // --- matches -------------------------------------------------------------------------------

  private static @Nullable HttpMatchRequest match(RouteMatch m, Problems p, String path) {
    HttpMatchRequest.Builder b = HttpMatchRequest.builder();
    boolean any = false;
    boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
    switch (m.getPathSpecifierCase()) {
      case PREFIX -> {
        if (!m.getPrefix().isEmpty() && !m.getPrefix().equals("/")) {
          b.uri(StringMatch.prefix(m.getPrefix()));
          any = true;
        }
      }
      case PATH -> {
        b.uri(StringMatch.exact(m.getPath()));
        any = true;
      }
      case SAFE_REGEX -> {
        b.uri(StringMatch.regex(m.getSafeRegex().getRegex()));
        any = true;
      }
      case PATH_SEPARATED_PREFIX -> {
        // The path is the prefix, or starts with the prefix and a slash.
        String prefix = m.getPathSeparatedPrefix();
        b.uri(StringMatch.regex((caseSensitive ? "" : "(?i)") + Re2.quote(prefix) + "(/.*)?"));
        any = true;
      }
      case PATHSPECIFIER_NOT_SET -> { }
      default -> p.error(path + "path_specifier", m.getPathSpecifierCase() + " is not supported");
    }
    if (!caseSensitive && m.getPathSpecifierCase() != RouteMatch.PathSpecifierCase.PATH_SEPARATED_PREFIX) {
      b.ignoreUriCase(true);
    }
    Map<String, StringMatch> headers = new LinkedHashMap<>();
    Map<String, StringMatch> without = new LinkedHashMap<>();
    for (int i = 0; i < m.getHeadersCount(); i++) {
      any |= header(m.getHeaders(i), b, headers, without, p, path + "headers[" + i + "]");
    }
    headers.forEach(b::header);
    without.forEach(b::withoutHeader);
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < m.getQueryParametersCount(); i++) {
      QueryParameterMatcher q = m.getQueryParameters(i);
      String qpath = path + "query_parameters[" + i + "]";
      if (!seen.add(q.getName())) {
        p.error(qpath, "a second matcher for query parameter \"" + q.getName() + "\" is not supported");
        continue;
      }
      switch (q.getQueryParameterMatchSpecifierCase()) {
        case PRESENT_MATCH -> {
          if (q.getPresentMatch()) {
            b.queryParam(q.getName(), StringMatch.present());
          } else {
            p.error(qpath + ".present_match", "matching an absent query parameter is not supported");
          }
        }
        case STRING_MATCH -> {
          StringMatch s = stringMatch(q.getStringMatch(), p, qpath + ".string_match");
          if (s != null) {
            b.queryParam(q.getName(), s);
          }
        }
        default -> p.error(qpath, "a query parameter matcher without a condition is not supported");
      }
      any = true;
    }
    if (m.hasRuntimeFraction()) {
      p.error(path + "runtime_fraction", "runtime fractions are not supported");
    }
    if (m.hasGrpc()) {
      p.error(path + "grpc", "gRPC route matching is not supported");
    }
    if (m.hasTlsContext()) {
      p.error(path + "tls_context", "TLS context matching is not supported");
    }
    if (m.getDynamicMetadataCount() > 0) {
      p.error(path + "dynamic_metadata", "dynamic metadata matching (JWT claims) is not supported");
    }
    if (m.getFilterStateCount() > 0) {
      p.error(path + "filter_state", "filter state matching is not supported");
    }
    return any || b.build().ignoreUriCase() ? b.build() : null;
  }

  /** Returns whether the matcher added a condition. */
  private static boolean header(HeaderMatcher h, HttpMatchRequest.Builder b, Map<String, StringMatch> headers,
      Map<String, StringMatch> without, Problems p, String path) {
    String name = h.getName().toLowerCase(java.util.Locale.ROOT);
    StringMatch value;
    boolean present = false;
    boolean absent = false;
    switch (h.getHeaderMatchSpecifierCase()) {
      case PRESENT_MATCH -> {
        present = h.getPresentMatch();
        absent = !present;
        value = StringMatch.present();
      }
      case STRING_MATCH -> value = stringMatch(h.getStringMatch(), p, path + ".string_match");
      case EXACT_MATCH -> value = StringMatch.exact(h.getExactMatch());
      case PREFIX_MATCH -> value = StringMatch.prefix(h.getPrefixMatch());
      case SUFFIX_MATCH -> value = StringMatch.regex(".*" + Re2.quote(h.getSuffixMatch()));
      case CONTAINS_MATCH -> value = StringMatch.regex(".*" + Re2.quote(h.getContainsMatch()) + ".*");
      case SAFE_REGEX_MATCH -> value = StringMatch.regex(h.getSafeRegexMatch().getRegex());
      case HEADERMATCHSPECIFIER_NOT_SET -> {
        // An empty matcher matches when the header is present.
        present = true;
        value = StringMatch.present();
      }
      default -> {
        p.error(path, h.getHeaderMatchSpecifierCase() + " is not supported");
        return false;
      }
    }
    if (value == null) {
      return false;
    }
    boolean invert = h.getInvertMatch();
    if (name.startsWith(":") || name.equals("host")) {
      if (invert || present || absent) {
        p.error(path, "only plain matches of " + name + " are supported");
        return false;
      }
      switch (name) {
        case ":method" -> b.method(value);
        case ":authority", "host" -> b.authority(value);
        case ":scheme" -> b.scheme(value);
        default -> {
          p.error(path + ".name", "matching pseudo-header " + name + " is not supported");
          return false;
        }
      }
      return true;
    }
    if (present || absent) {
      // present_match true matches a present header; inverted, an absent one (and the reverse).
      boolean wantPresent = present != invert;
      return put(wantPresent ? headers : without, name, StringMatch.present(), p, path);
    }
    if (!invert) {
      if (h.getTreatMissingHeaderAsEmpty()) {
        p.error(path + ".treat_missing_header_as_empty", "treating a missing header as empty is supported "
            + "only with invert_match, as istiod writes it");
        return false;
      }
      return put(headers, name, value, p, path);
    }
    if (h.getTreatMissingHeaderAsEmpty()) {
      // Istio's withoutHeaders: a missing header counts as empty.
      return put(without, name, value, p, path);
    }
    // Envoy: an inverted match of a missing header fails, so the header must be present.
    return put(headers, name, StringMatch.present(), p, path) && put(without, name, value, p, path);
  }

  private static boolean put(Map<String, StringMatch> map, String name, StringMatch m, Problems p, String path) {
    if (map.putIfAbsent(name, m) != null) {
      p.error(path, "a second matcher for header \"" + name + "\" is not supported");
      return false;
    }
    return true;
  }

  static @Nullable StringMatch stringMatch(StringMatcher s, Problems p, String path) {
    boolean ignoreCase = s.getIgnoreCase();
    String ci = ignoreCase ? "(?i)" : "";
    return switch (s.getMatchPatternCase()) {
      case EXACT -> ignoreCase ? StringMatch.regex(ci + Re2.quote(s.getExact())) : StringMatch.exact(s.getExact());
      case PREFIX -> ignoreCase ? StringMatch.regex(ci + Re2.quote(s.getPrefix()) + ".*")
          : StringMatch.prefix(s.getPrefix());
      case SUFFIX -> StringMatch.regex(ci + ".*" + Re2.quote(s.getSuffix()));
      case CONTAINS -> StringMatch.regex(ci + ".*" + Re2.quote(s.getContains()) + ".*");
      // Envoy: ignore_case has no effect on a regex.
      case SAFE_REGEX -> StringMatch.regex(s.getSafeRegex().getRegex());
      default -> {
        p.error(path, s.getMatchPatternCase() + " is not supported");
        yield null;
      }
    };
  }

  // --- the route action ------------------------------------------------------------------------

  private static @Nullable ConsistentHashLb action(RouteAction a, HttpRoute.Builder out, List<ClusterName> clusters,
      Problems p, String path) {
    switch (a.getClusterSpecifierCase()) {
      case CLUSTER -> {
        ClusterName c = cluster(a.getCluster(), p, path + "cluster");
        if (c != null) {
          clusters.add(c);
          out.route(destination(c));
        }
      }
      case WEIGHTED_CLUSTERS -> {
        WeightedCluster w = a.getWeightedClusters();
        for (int i = 0; i < w.getClustersCount(); i++) {
          WeightedCluster.ClusterWeight cw = w.getClusters(i);
          String cpath = path + "weighted_clusters.clusters[" + i + "]";
          if (!cw.getClusterHeader().isEmpty()) {
            p.error(cpath + ".cluster_header", "routing by a header's cluster name is not supported");
            continue;
          }
          ClusterName c = cluster(cw.getName(), p, cpath + ".name");
          if (c == null) {
            continue;
          }
          clusters.add(c);
          if (cw.containsTypedPerFilterConfig(FAULT_FILTER)) {
            p.error(cpath + ".typed_per_filter_config", "fault injection per weighted cluster is not supported");
          }
          Headers h = headers(cw.getRequestHeadersToAddList(), cw.getRequestHeadersToRemoveList(),
              cw.getResponseHeadersToAddList(), cw.getResponseHeadersToRemoveList(), p, cpath + ".");
          if (!cw.getHostRewriteLiteral().isEmpty()) {
            // Istio writes a destination's authority rewrite here; mesh4j reads it from the headers.
            HeaderOperations.Builder req = HeaderOperations.builder().set(":authority", cw.getHostRewriteLiteral());
            req.set(h.request().set()).add(h.request().add()).remove(h.request().remove().toArray(String[]::new));
            h = new Headers(req.build(), h.response());
          }
          out.route(HttpRouteDestination.builder().destination(destination(c))
              .weight(cw.hasWeight() ? (int) Math.min(Integer.MAX_VALUE, Protos.u32(cw.getWeight())) : 0)
              .headers(h));
        }
      }
      default -> p.error(path + "cluster_specifier", a.getClusterSpecifierCase() + " is not supported: mesh4j "
          + "routes to named clusters");
    }
    HttpRewrite.Builder rewrite = null;
    if (!a.getPrefixRewrite().isEmpty()) {
      rewrite = HttpRewrite.builder().uri(a.getPrefixRewrite());
    }
    if (a.hasRegexRewrite()) {
      rewrite = rewrite == null ? HttpRewrite.builder() : rewrite;
      rewrite.uriRegexRewrite(RegexRewrite.builder().match(a.getRegexRewrite().getPattern().getRegex())
          .rewrite(a.getRegexRewrite().getSubstitution()));
    }
    switch (a.getHostRewriteSpecifierCase()) {
      case HOST_REWRITE_LITERAL -> {
        rewrite = rewrite == null ? HttpRewrite.builder() : rewrite;
        rewrite.authority(a.getHostRewriteLiteral());
      }
      case HOSTREWRITESPECIFIER_NOT_SET -> { }
      case AUTO_HOST_REWRITE -> {
        if (a.getAutoHostRewrite().getValue()) {
          p.error(path + "auto_host_rewrite", "rewriting the authority to the endpoint's is not supported");
        }
      }
      default -> p.error(path + "host_rewrite", a.getHostRewriteSpecifierCase() + " is not supported");
    }
    if (a.hasPathRewritePolicy()) {
      p.error(path + "path_rewrite_policy", "path rewrite policies are not supported");
    }
    if (rewrite != null) {
      out.rewrite(rewrite);
    }
    Duration timeout = a.hasTimeout() ? Protos.duration(a.getTimeout())
        : a.hasMaxStreamDuration() && a.getMaxStreamDuration().hasMaxStreamDuration()
            ? Protos.duration(a.getMaxStreamDuration().getMaxStreamDuration())
            : ENVOY_DEFAULT_TIMEOUT;
    if (!timeout.isZero()) {
      out.timeout(timeout);
    }
    out.retries(a.hasRetryPolicy() ? retry(a.getRetryPolicy(), p, path + "retry_policy.")
        : HttpRetry.builder().attempts(0).build());
    if (a.hasRetryPolicyTypedConfig()) {
      p.error(path + "retry_policy_typed_config", "retry policy extensions are not supported");
    }
    if (a.hasHedgePolicy()) {
      p.error(path + "hedge_policy", "request hedging is not supported");
    }
    if (a.getRateLimitsCount() > 0) {
      p.error(path + "rate_limits", "rate limits are not supported");
    }
    for (int i = 0; i < a.getRequestMirrorPoliciesCount(); i++) {
      RouteAction.RequestMirrorPolicy m = a.getRequestMirrorPolicies(i);
      String mpath = path + "request_mirror_policies[" + i + "]";
      if (!m.getClusterHeader().isEmpty()) {
        p.error(mpath + ".cluster_header", "mirroring to a header's cluster name is not supported");
        continue;
      }
      ClusterName c = cluster(m.getCluster(), p, mpath + ".cluster");
      if (c == null) {
        continue;
      }
      clusters.add(c);
      double percent = m.hasRuntimeFraction() ? percent(m.getRuntimeFraction().getDefaultValue()) : 100;
      out.mirrors(HttpMirrorPolicy.builder().destination(destination(c)).percentage(percent));
    }
    ConsistentHashLb hash = null;
    for (int i = 0; i < a.getHashPolicyCount(); i++) {
      ConsistentHashLb h = hashPolicy(a.getHashPolicy(i), p, path + "hash_policy[" + i + "]");
      // Istio hashes only a route with one destination; the first policy decides, as in Envoy.
      if (hash == null && h != null && a.getClusterSpecifierCase() == RouteAction.ClusterSpecifierCase.CLUSTER) {
        hash = h;
      }
    }
    return hash;
  }

  private static @Nullable ClusterName cluster(String name, Problems p, String path) {
    ClusterName c = ClusterName.parse(name);
    if (c == null) {
      p.error(path, "cluster \"" + name + "\" is not an Istio outbound cluster (outbound|port|subset|host): "
          + "mesh4j routes to services");
    }
    return c;
  }

  static Destination destination(ClusterName c) {
    Destination.Builder d = Destination.builder().host(c.host()).port(c.port());
    if (c.subset() != null) {
      d.subset(c.subset());
    }
    return d.build();
  }

  private static HttpRetry retry(RetryPolicy r, Problems p, String path) {
    // Envoy's default is one retry when a policy names no number.
    int attempts = r.hasNumRetries() ? (int) Math.min(Integer.MAX_VALUE, Protos.u32(r.getNumRetries())) : 1;
    List<String> on = new ArrayList<>();
    for (String c : r.getRetryOn().split(",")) {
      if (!c.isBlank()) {
        on.add(c.trim());
      }
    }
    if (on.contains("retriable-status-codes")) {
      // In Istio's retryOn a number is a retriable status code.
      for (int code : r.getRetriableStatusCodesList()) {
        on.add(Integer.toString(code));
      }
    }
    if (on.isEmpty()) {
      // Envoy retries on no condition at all.
      attempts = 0;
    }
    HttpRetry.Builder b = HttpRetry.builder().attempts(attempts);
    if (!on.isEmpty()) {
      b.retryOn(on.toArray(String[]::new));
    }
    if (r.hasPerTryTimeout() && !Protos.duration(r.getPerTryTimeout()).isZero()) {
      b.perTryTimeout(Protos.duration(r.getPerTryTimeout()));
    }
    if (r.hasPerTryIdleTimeout()) {
      p.error(path + "per_try_idle_timeout", "per-try idle timeouts are not supported");
    }
    boolean previousHosts = false;
    for (int i = 0; i < r.getRetryHostPredicateCount(); i++) {
      String name = r.getRetryHostPredicate(i).getName();
      if (name.equals(PREVIOUS_HOSTS)) {
        previousHosts = true;
      } else {
        p.error(path + "retry_host_predicate[" + i + "]", "retry host predicate " + name + " is not supported");
      }
    }
    b.retryIgnorePreviousHosts(previousHosts);
    if (r.hasRetryPriority()) {
      if (r.getRetryPriority().getName().equals(PREVIOUS_PRIORITIES)) {
        b.retryRemoteLocalities(true);
      } else {
        p.error(path + "retry_priority", "retry priority " + r.getRetryPriority().getName() + " is not supported");
      }
    }
    if (r.hasRetryBackOff() && r.getRetryBackOff().hasBaseInterval()) {
      b.backoff(Protos.duration(r.getRetryBackOff().getBaseInterval()));
    }
    if (r.hasRateLimitedRetryBackOff()) {
      p.error(path + "rate_limited_retry_back_off", "rate-limited retry back-off is not supported");
    }
    if (r.getRetriableHeadersCount() > 0 || r.getRetriableRequestHeadersCount() > 0) {
      p.error(path + "retriable_headers", "retrying by response or request headers is not supported");
    }
    return b.build();
  }

  private static @Nullable ConsistentHashLb hashPolicy(RouteAction.HashPolicy h, Problems p, String path) {
    ConsistentHashLb.Builder b = ConsistentHashLb.builder();
    switch (h.getPolicySpecifierCase()) {
      case HEADER -> {
        if (h.getHeader().hasRegexRewrite()) {
          p.error(path + ".header.regex_rewrite", "rewriting the hashed header is not supported");
        }
        b.httpHeaderName(h.getHeader().getHeaderName());
      }
      case COOKIE -> {
        var c = h.getCookie();
        ConsistentHashLb.HttpCookie.Builder cookie = ConsistentHashLb.HttpCookie.builder().name(c.getName());
        if (!c.getPath().isEmpty()) {
          cookie.path(c.getPath());
        }
        if (c.hasTtl()) {
          cookie.ttl(Protos.duration(c.getTtl()));
        }
        for (var attr : c.getAttributesList()) {
          cookie.attributes(ConsistentHashLb.Attribute.builder().name(attr.getName()).value(attr.getValue()));
        }
        b.httpCookie(cookie);
      }
      case CONNECTION_PROPERTIES -> b.useSourceIp(h.getConnectionProperties().getSourceIp());
      case QUERY_PARAMETER -> b.httpQueryParameterName(h.getQueryParameter().getName());
      default -> {
        p.error(path, "hash policy " + h.getPolicySpecifierCase() + " is not supported");
        return null;
      }
    }
    return b.build();
  }

  private static HttpRedirect redirect(RedirectAction r, Problems p, String path) {
    HttpRedirect.Builder b = HttpRedirect.builder();
    if (!r.getHostRedirect().isEmpty()) {
      b.authority(r.getHostRedirect());
    }
    if (r.getPortRedirect() != 0) {
      b.port(r.getPortRedirect());
    }
    switch (r.getPathRewriteSpecifierCase()) {
      case PATH_REDIRECT -> {
        if (!r.getPathRedirect().isEmpty()) {
          b.uri(r.getPathRedirect());
        }
      }
      case PREFIX_REWRITE -> b.prefixRewrite(r.getPrefixRewrite());
      case PATHREWRITESPECIFIER_NOT_SET -> { }
      default -> p.error(path + "path_rewrite_specifier", r.getPathRewriteSpecifierCase() + " is not supported");
    }
    switch (r.getSchemeRewriteSpecifierCase()) {
      case SCHEME_REDIRECT -> b.scheme(r.getSchemeRedirect());
      case HTTPS_REDIRECT -> {
        if (r.getHttpsRedirect()) {
          b.scheme("https");
        }
      }
      default -> { }
    }
    b.redirectCode(switch (r.getResponseCode()) {
      case FOUND -> 302;
      case SEE_OTHER -> 303;
      case TEMPORARY_REDIRECT -> 307;
      case PERMANENT_REDIRECT -> 308;
      default -> 301;
    });
    if (r.getStripQuery()) {
      p.error(path + "strip_query", "stripping the query from a redirect is not supported");
    }
    return b.build();
  }

  // --- fault injection -------------------------------------------------------------------------

  static @Nullable HttpFaultInjection fault(Any any, Problems p, String path) {
    if (!any.getTypeUrl().equals(FAULT_TYPE)) {
      p.error(path, "expected " + FAULT_TYPE + ", found " + any.getTypeUrl());
      return null;
    }
    HTTPFault f;
    try {
      f = any.unpack(HTTPFault.class);
    } catch (InvalidProtocolBufferException e) {
      p.error(path, "unreadable HTTPFault: " + e.getMessage());
      return null;
    }
    HttpFaultInjection.Builder b = HttpFaultInjection.builder();
    boolean any2 = false;
    if (f.hasDelay()) {
      var d = f.getDelay();
      if (d.hasHeaderDelay()) {
        p.error(path + "delay.header_delay", "delays named by a request header are not supported");
      } else if (d.hasFixedDelay()) {
        b.delay(HttpFaultInjection.Delay.builder().fixedDelay(Protos.duration(d.getFixedDelay()))
            .percentage(percent(d.getPercentage())));
        any2 = true;
      }
    }
    if (f.hasAbort()) {
      var a = f.getAbort();
      HttpFaultInjection.Abort.Builder ab = HttpFaultInjection.Abort.builder().percentage(percent(a.getPercentage()));
      switch (a.getErrorTypeCase()) {
        case HTTP_STATUS -> {
          ab.httpStatus(a.getHttpStatus());
          b.abort(ab);
          any2 = true;
        }
        case GRPC_STATUS -> {
          ab.grpcStatus(grpcStatusName(a.getGrpcStatus()));
          b.abort(ab);
          any2 = true;
        }
        case HEADER_ABORT -> p.error(path + "abort.header_abort", "aborts named by a request header are not supported");
        default -> p.error(path + "abort", "an abort without a status is not supported");
      }
    }
    if (f.getHeadersCount() > 0) {
      p.error(path + "headers", "fault conditions on request headers are not supported");
    }
    if (f.getDownstreamNodesCount() > 0) {
      p.error(path + "downstream_nodes", "fault conditions on downstream nodes are not supported");
    }
    if (f.hasResponseRateLimit()) {
      p.error(path + "response_rate_limit", "response rate limiting is not supported");
    }
    return any2 ? b.build() : null;
  }

  private static String grpcStatusName(int code) {
    for (io.grpc.Status.Code c : io.grpc.Status.Code.values()) {
      if (c.value() == code) {
        return c.name();
      }
    }
    return Integer.toString(code);
  }

  /** A FractionalPercent as a percentage (0..100); an unset one is 0, as in Envoy. */
  static double percent(FractionalPercent f) {
    double denominator = switch (f.getDenominator()) {
      case TEN_THOUSAND -> 10_000;
      case MILLION -> 1_000_000;
      default -> 100;
    };
    return Math.min(100, f.getNumerator() * 100.0 / denominator);
  }

  // --- header operations -----------------------------------------------------------------------

  static Headers headers(List<HeaderValueOption> requestAdd, List<String> requestRemove,
      List<HeaderValueOption> responseAdd, List<String> responseRemove, Problems p, String path) {
    if (requestAdd.isEmpty() && requestRemove.isEmpty() && responseAdd.isEmpty() && responseRemove.isEmpty()) {
      return Headers.NONE;
    }
    return new Headers(operations(requestAdd, requestRemove, p, path + "request_headers_to_add"),
        operations(responseAdd, responseRemove, p, path + "response_headers_to_add"));
  }

  private static HeaderOperations operations(List<HeaderValueOption> add, List<String> remove, Problems p,
      String path) {
    HeaderOperations.Builder b = HeaderOperations.builder();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < add.size(); i++) {
      HeaderValueOption o = add.get(i);
      String name = o.getHeader().getKey().toLowerCase(java.util.Locale.ROOT);
      String value = o.getHeader().getRawValue().isEmpty() ? o.getHeader().getValue()
          : o.getHeader().getRawValue().toStringUtf8();
      if (!seen.add(name)) {
        p.error(path + "[" + i + "]", "a second operation on header \"" + name + "\" is not supported");
        continue;
      }
      boolean append;
      if (o.hasAppend()) {
        append = o.getAppend().getValue();
      } else {
        switch (o.getAppendAction()) {
          case APPEND_IF_EXISTS_OR_ADD -> append = true;
          case OVERWRITE_IF_EXISTS_OR_ADD -> append = false;
          default -> {
            p.error(path + "[" + i + "].append_action", o.getAppendAction() + " is not supported");
            continue;
          }
        }
      }
      if (append) {
        b.add(name, value);
      } else {
        b.set(name, value);
      }
    }
    if (!remove.isEmpty()) {
      b.remove(remove.toArray(String[]::new));
    }
    return b.build();
  }
}
