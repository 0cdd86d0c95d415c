package dev.mesh4j.core.internal.routing;

import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.HttpRouteDestination;
import dev.mesh4j.api.config.L4MatchAttributes;
import dev.mesh4j.api.config.RouteDestination;
import dev.mesh4j.api.config.TcpRoute;
import dev.mesh4j.api.config.TlsMatchAttributes;
import dev.mesh4j.api.config.TlsRoute;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.config.StringMatch;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.cluster.ClusterKey;
import dev.mesh4j.core.internal.cluster.ClusterSlot;
import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Problems;
import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.discovery.ServiceCatalog;
import dev.mesh4j.core.internal.lb.hash.RequestHasher;
import dev.mesh4j.core.internal.resilience.RetryPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Compiles VirtualServices for one workload: resolves destinations to clusters, drops matches
 * that cannot apply to this workload (source labels, namespace, gateways are config-time
 * conditions in Istio), inlines delegates and orders header operations as Envoy does. Runs off
 * the request path while a snapshot is built.
 */
public final class RouteCompiler {
  private final Workload workload;
  private final ServiceCatalog catalog;
  private final Function<ClusterKey, @Nullable ClusterSlot> clusters;
  private final Function<String, @Nullable VirtualService> delegates;
  private final Problems problems;
  private final String sourceIp;

  /**
   * @param clusters the snapshot's clusters by key (null when a subset is not defined)
   * @param delegates delegate VirtualServices by {@code namespace/name}
   */
  public RouteCompiler(Workload workload, ServiceCatalog catalog,
      Function<ClusterKey, @Nullable ClusterSlot> clusters,
      Function<String, @Nullable VirtualService> delegates, Problems problems) {
    this.workload = workload;
    this.catalog = catalog;
    this.clusters = clusters;
    this.delegates = delegates;
    this.problems = problems;
    this.sourceIp = RequestHasher.sourceIp(workload);
  }

  /** The compiled VirtualService, or null when none of its routes can apply to this workload. */
  public @Nullable CompiledVirtualService compile(VirtualService vs) {
    List<CompiledRoute> routes = new ArrayList<>();
    for (int i = 0; i < vs.http().size(); i++) {
      HttpRoute r = vs.http().get(i);
      String label = ("http[" + i + "]").intern();
      if (r.delegate() != null) {
        inlineDelegate(vs, r, label, routes);
        continue;
      }
      CompiledRoute cr = route(vs, vs, label, r, "spec.http[" + i + "]");
      if (cr != null) {
        routes.add(cr);
      }
    }
    ConnectionRoutes connections = connectionRoutes(vs);
    return routes.isEmpty() && connections.isEmpty() ? null : new CompiledVirtualService(vs, routes, connections);
  }

  /**
   * The VirtualService's {@code tls} and {@code tcp} routes: the matches that apply to this
   * workload (as istiod's {@code matchTLS} and {@code matchTCP} decide), in order; a tcp route
   * without matches is the catch-all of every port, after which istiod generates nothing (a match
   * without {@code destinationSubnets} is its port's, decided per connection).
   */
  ConnectionRoutes connectionRoutes(VirtualService vs) {
    String ns = vs.metadata().namespace();
    List<ConnectionRoutes.TlsEntry> tls = new ArrayList<>();
    for (int i = 0; i < vs.tls().size(); i++) {
      TlsRoute r = vs.tls().get(i);
      CompiledRoute route = null;
      for (int j = 0; j < r.match().size(); j++) {
        TlsMatchAttributes m = r.match().get(j);
        if (!appliesToWorkload(m.gateways(), m.sourceLabels(), m.sourceNamespace(), ns)) {
          continue;
        }
        if (route == null) {
          route = connectionRoute(vs, ("tls[" + i + "]").intern(), r.route(), "spec.tls[" + i + "]");
        }
        CompiledMatch match = new CompiledMatch(route, j, null, List.of(), null, "");
        route.addMatch(match);
        tls.add(new ConnectionRoutes.TlsEntry(m.port(), m.sniHosts(), m.destinationSubnets(), match));
      }
    }
    List<ConnectionRoutes.TcpEntry> tcp = new ArrayList<>();
    for (int i = 0; i < vs.tcp().size(); i++) {
      TcpRoute r = vs.tcp().get(i);
      String label = ("tcp[" + i + "]").intern();
      if (r.match().isEmpty()) {
        CompiledRoute route = connectionRoute(vs, label, r.route(), "spec.tcp[" + i + "]");
        CompiledMatch match = new CompiledMatch(route, -1, null, List.of(), null, "");
        route.addMatch(match);
        tcp.add(new ConnectionRoutes.TcpEntry(null, List.of(), match));
        break;
      }
      CompiledRoute route = null;
      for (int j = 0; j < r.match().size(); j++) {
        L4MatchAttributes m = r.match().get(j);
        if (!appliesToWorkload(m.gateways(), m.sourceLabels(), m.sourceNamespace(), ns)) {
          continue;
        }
        if (route == null) {
          route = connectionRoute(vs, label, r.route(), "spec.tcp[" + i + "]");
        }
        CompiledMatch match = new CompiledMatch(route, j, null, List.of(), null, "");
        route.addMatch(match);
        tcp.add(new ConnectionRoutes.TcpEntry(m.port(), m.destinationSubnets(), match));
      }
    }
    return tls.isEmpty() && tcp.isEmpty() ? ConnectionRoutes.NONE : new ConnectionRoutes(tls, tcp);
  }

  /**
   * A {@code tls} or {@code tcp} route: its weighted destinations resolved to clusters as an HTTP
   * route's are, and nothing of HTTP — no retries (Envoy's TCP proxy makes one connection
   * attempt), no timeout, no header changes, no hashing of the request.
   */
  private CompiledRoute connectionRoute(VirtualService vs, String label, List<RouteDestination> destinations,
      String path) {
    HttpRoute.Builder config = HttpRoute.builder();
    for (RouteDestination d : destinations) {
      config.route(new HttpRouteDestination(d.destination(), d.weight(), null));
    }
    HttpRoute built = config.build();
    CompiledRoute route = new CompiledRoute(vs, label, built);
    route.setAction(action(vs, built, path));
    route.setRetryPolicy(RetryPolicy.NONE);
    route.markConnection();
    return route;
  }

  /**
   * The route a connection to a {@code TLS}, {@code HTTPS} or {@code TCP} port of a service takes
   * when no {@code tls} or {@code tcp} route applies: to the service's endpoints, as Envoy's TCP
   * proxy to the service's cluster — one attempt, nothing of HTTP.
   */
  public CompiledRoute connectionDefaultRoute(Service service) {
    HttpRoute config = HttpRoute.to(HttpRouteDestination.of(Destination.of(service.hostname()), 100));
    CompiledRoute route = new CompiledRoute(null, "default", config);
    route.addMatch(new CompiledMatch(route, -1, null, List.of(), null, ""));
    CompiledDestination d = destination(service.hostname(), null, null, 100,
        HeaderTemplate.NONE, HeaderTemplate.NONE, null, null, "");
    route.setAction(new RouteAction.Forward(List.of(d), new long[] {100}, 100));
    route.setRetryPolicy(RetryPolicy.NONE);
    route.markConnection();
    return route;
  }

  /** The route a service gets when no VirtualService claims it: all traffic to its endpoints. */
  public CompiledRoute defaultRoute(Service service) {
    HttpRoute config = HttpRoute.to(HttpRouteDestination.of(Destination.of(service.hostname()), 100));
    CompiledRoute route = new CompiledRoute(null, "default", config);
    route.addMatch(new CompiledMatch(route, -1, null, List.of(), null, ""));
    CompiledDestination d = destination(service.hostname(), null, null, 100,
        HeaderTemplate.NONE, HeaderTemplate.NONE, null, null, "");
    RouteAction action = new RouteAction.Forward(List.of(d), new long[] {100}, 100);
    route.setAction(action);
    route.setRetryPolicy(RetryPolicy.of(null, hashes(action)));
    route.setHasher(hasher(action));
    return route;
  }

  /**
   * Whether the route has one destination whose cluster balances by consistent hash: Istio then
   * drops the previous-hosts retry predicate so retries stay on the hashed endpoint.
   */
  private static boolean hashes(RouteAction action) {
    if (!(action instanceof RouteAction.Forward f) || f.destinations().size() != 1) {
      return false;
    }
    TrafficPolicy p = f.destinations().get(0).anyPolicy();
    return p != null && p.loadBalancer() != null && p.loadBalancer().consistentHash() != null;
  }

  /**
   * The route's hash policies: Istio appends one per destination whose DestinationRule hashes
   * ({@code route.go} {@code processDestination}, {@code processWeightedDestination}), weighted
   * routes included and zero-weight destinations skipped; Envoy combines several. The weighted
   * pick itself stays random, so on a weighted route stickiness holds within each subset.
   */
  private @Nullable RequestHasher hasher(RouteAction action) {
    if (!(action instanceof RouteAction.Forward f)) {
      return null;
    }
    List<ConsistentHashLb> policies = new ArrayList<>();
    for (CompiledDestination d : f.destinations()) {
      if (f.destinations().size() > 1 && d.weight() == 0) {
        continue;
      }
      TrafficPolicy p = d.anyPolicy();
      if (p != null && p.loadBalancer() != null && p.loadBalancer().consistentHash() != null) {
        policies.add(p.loadBalancer().consistentHash());
      }
    }
    return policies.isEmpty() ? null : RequestHasher.of(policies, sourceIp);
  }

  private void inlineDelegate(VirtualService root, HttpRoute r, String label, List<CompiledRoute> out) {
    String ns = r.delegate().namespace() == null ? root.metadata().namespace() : r.delegate().namespace();
    VirtualService delegate = delegates.apply(ns + "/" + r.delegate().name());
    if (delegate == null) {
      problems.warn(root.metadata().origin(), "spec." + label + ".delegate",
          "delegate VirtualService " + dev.mesh4j.core.internal.common.Quoting.escape(ns + "/" + r.delegate().name())
              + " is not loaded or not visible; this route is dropped");
      return;
    }
    for (int j = 0; j < delegate.http().size(); j++) {
      HttpRoute leaf = delegate.http().get(j);
      HttpRoute merged = DelegateMerge.merge(r, leaf);
      String leafLabel = label + " > " + delegate.metadata().qualifiedName() + " http[" + j + "]";
      if (merged == null) {
        problems.warn(delegate.metadata().origin(), "spec.http[" + j + "].match",
            "conflicts with the match of " + root.metadata().qualifiedName() + " " + label
                + "; this delegate route is dropped");
        continue;
      }
      CompiledRoute cr = route(root, delegate, leafLabel, merged, "spec.http[" + j + "]");
      if (cr != null) {
        out.add(cr);
      }
    }
  }

  /**
   * @param owner the VirtualService the route is reported under
   * @param declaring the VirtualService whose namespace resolves the route's short names
   */
  private @Nullable CompiledRoute route(VirtualService owner, VirtualService declaring, String label,
      HttpRoute r, String path) {
    CompiledRoute route = new CompiledRoute(owner, label, r);
    if (r.match().isEmpty()) {
      route.addMatch(new CompiledMatch(route, -1, null, List.of(), null, ""));
    } else {
      for (int i = 0; i < r.match().size(); i++) {
        HttpMatchRequest m = r.match().get(i);
        if (!appliesToWorkload(m, declaring.metadata().namespace())) {
          continue;
        }
        route.addMatch(MatchCompiler.compile(route, i, m));
      }
      if (route.matches().isEmpty()) {
        return null;
      }
    }
    RouteAction action = action(declaring, r, path);
    route.setAction(action);
    route.setRetryPolicy(RetryPolicy.of(r.retries(), hashes(action)));
    route.setHasher(hasher(action));
    List<CompiledRoute.Mirror> mirrors = new ArrayList<>();
    for (int i = 0; i < r.mirrors().size(); i++) {
      var m = r.mirrors().get(i);
      if (m.percentage() <= 0) {
        continue;
      }
      String host = Hosts.resolve(m.destination().host(), declaring.metadata().namespace(), workload.domainSuffix());
      CompiledDestination d = destination(host, m.destination().subset(), m.destination().port(), 0,
          HeaderTemplate.NONE, HeaderTemplate.NONE, null, declaring.metadata().origin(), path + ".mirror");
      mirrors.add(new CompiledRoute.Mirror(d, Math.round(m.percentage() * 10_000)));
    }
    route.setMirrors(mirrors);
    return route;
  }

  /**
   * Istio evaluates gateways, source labels and source namespace when it builds the config; for
   * an HTTP match ({@code sourceMatchHTTP}) gateways, when given, decide alone.
   */
  private boolean appliesToWorkload(HttpMatchRequest m, String vsNamespace) {
    if (!m.gateways().isEmpty()) {
      return Gateways.anyMatch(m.gateways(), vsNamespace, workload);
    }
    return sourceMatches(m.sourceLabels(), m.sourceNamespace());
  }

  /** A TLS or TCP match ({@code matchTLS}, {@code matchTCP}): gateways, labels and namespace all hold. */
  private boolean appliesToWorkload(List<String> gateways, Map<String, String> sourceLabels,
      @Nullable String sourceNamespace, String vsNamespace) {
    return (gateways.isEmpty() || Gateways.anyMatch(gateways, vsNamespace, workload))
        && sourceMatches(sourceLabels, sourceNamespace);
  }

  private boolean sourceMatches(Map<String, String> sourceLabels, @Nullable String sourceNamespace) {
    for (Map.Entry<String, String> e : sourceLabels.entrySet()) {
      if (!e.getValue().equals(workload.labels().get(e.getKey()))) {
        return false;
      }
    }
    return sourceNamespace == null || sourceNamespace.equals(workload.namespace());
  }

  private RouteAction action(VirtualService vs, HttpRoute r, String path) {
    if (r.redirect() != null) {
      return new RouteAction.Redirect(r.redirect(), HeaderCompiler.parser(r.headers().response()).template());
    }
    if (r.directResponse() != null) {
      return new RouteAction.Direct(r.directResponse(), HeaderCompiler.parser(r.headers().response()).template());
    }
    List<HttpRouteDestination> dests = r.route();
    List<CompiledDestination> out = new ArrayList<>();
    String ns = vs.metadata().namespace();
    String rewriteAuthority = r.rewrite() == null ? null : r.rewrite().authority();
    boolean single = dests.size() == 1;
    long[] bounds = new long[dests.size()];
    long total = 0;
    for (int i = 0; i < dests.size(); i++) {
      HttpRouteDestination d = dests.get(i);
      HeaderTemplate req;
      HeaderTemplate resp;
      String authority;
      if (single) {
        // One destination: Istio appends its operations to the route's, in one Envoy parser.
        HeaderCompiler.Compiled q = HeaderCompiler.parser(r.headers().request(), d.headers().request());
        req = q.template();
        resp = HeaderCompiler.parser(r.headers().response(), d.headers().response()).template();
        authority = rewriteAuthority != null ? rewriteAuthority : q.authority();
      } else {
        // Weighted: the destination's parser runs first, then the route's (later wins).
        HeaderCompiler.Compiled dq = HeaderCompiler.parser(d.headers().request());
        HeaderCompiler.Compiled rq = HeaderCompiler.parser(r.headers().request());
        req = dq.template().then(rq.template());
        resp = HeaderCompiler.parser(d.headers().response()).template()
            .then(HeaderCompiler.parser(r.headers().response()).template());
        authority = rewriteAuthority != null ? rewriteAuthority
            : rq.authority() != null ? rq.authority() : dq.authority();
      }
      int weight = single ? 100 : d.weight() == null ? 0 : d.weight();
      total += weight;
      bounds[i] = total;
      String host = Hosts.resolve(d.destination().host(), ns, workload.domainSuffix());
      out.add(destination(host, d.destination().subset(), d.destination().port(), weight, req, resp,
          authority, vs.metadata().origin(), path + ".route[" + i + "].destination"));
    }
    return new RouteAction.Forward(out, bounds, single ? 100 : total);
  }

  private CompiledDestination destination(String host, @Nullable String subset, @Nullable Integer port,
      int weight, HeaderTemplate req, HeaderTemplate resp, @Nullable String authority,
      @Nullable ConfigOrigin origin, String path) {
    Service service = catalog.byName(host);
    if (service == null) {
      service = catalog.lookup(host);
    }
    if (service == null) {
      return missing(host, subset, port, weight, req, resp, authority,
          "no service " + host + " is known", origin, path + ".host", true);
    }
    if (port != null) {
      if (service.port(port) == null) {
        return missing(host, subset, port, weight, req, resp, authority,
            "service " + service.hostname() + " has no port " + port, origin, path + ".port", true);
      }
      ClusterSlot c = clusters.apply(new ClusterKey(service.hostname(), subset, port));
      return c == null
          ? missing(host, subset, port, weight, req, resp, authority, undefinedSubset(service, subset), origin,
              path + ".subset", true)
          : new CompiledDestination(host, subset, port, weight, c, Map.of(), null, req, resp, authority);
    }
    Map<Integer, ClusterSlot> byPort = new HashMap<>();
    for (ServicePort p : service.ports()) {
      ClusterSlot c = clusters.apply(new ClusterKey(service.hostname(), subset, p.number()));
      if (c != null) {
        byPort.put(p.number(), c);
      }
    }
    if (byPort.isEmpty()) {
      return missing(host, subset, null, weight, req, resp, authority,
          service.ports().isEmpty() ? "service " + service.hostname() + " has no ports"
              : undefinedSubset(service, subset), origin, path + ".subset", true);
    }
    if (service.ports().size() == 1) {
      return new CompiledDestination(host, subset, null, weight, byPort.values().iterator().next(),
          Map.of(), null, req, resp, authority);
    }
    return new CompiledDestination(host, subset, null, weight, null, byPort, null, req, resp, authority);
  }

  private static String undefinedSubset(Service service, @Nullable String subset) {
    return "subset " + subset + " is not defined by any DestinationRule for " + service.hostname();
  }

  private CompiledDestination missing(String host, @Nullable String subset, @Nullable Integer port,
      int weight, HeaderTemplate req, HeaderTemplate resp, @Nullable String authority, String why,
      @Nullable ConfigOrigin origin, String path, boolean warn) {
    if (warn && origin != null) {
      problems.warn(origin, path, why + " (requests routed here get 503 NC)");
    }
    return new CompiledDestination(host, subset, port, weight, null, Map.of(), why, req, resp, authority);
  }

  /** Helpers shared with the match compiler. */
  static StringMatch.@Nullable Kind uriKind(HttpMatchRequest m) {
    return m.uri() == null ? null : m.uri().kind();
  }
}
