package dev.mesh4j.istiod.testing;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.Value;
import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.Headers;
import dev.mesh4j.api.config.HttpFaultInjection;
import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.HttpMirrorPolicy;
import dev.mesh4j.api.config.HttpRetry;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.HttpRouteDestination;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.PortTrafficPolicy;
import dev.mesh4j.api.config.StringMatch;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.api.config.VirtualService;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
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
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What istiod's gRPC generator sends a proxyless client, for a set of Istio resources and
 * services — written in Java after Istio's own source (istio/istio, master of 2026-08):
 * {@code pilot/pkg/networking/grpcgen/lds.go} (one API listener per service port, HCM with the
 * fault and router filters, RDS {@code outbound|port||host} over ADS), {@code grpcgen/rds.go} with
 * {@code core/httproute.go} and {@code core/route/route.go} (the sidecar's outbound routes: one
 * Envoy route per Istio match, {@code TranslateRouteMatch}, {@code TranslateFault},
 * {@code retry.ConvertPolicy}, {@code setTimeout} with {@code max_stream_duration} for proxyless
 * nodes, weighted clusters, mirrors, hash policies from the DestinationRule, the
 * {@code istio.config} route metadata), {@code grpcgen/cds.go} (EDS clusters; round robin and
 * UNSPECIFIED write no lb_policy, LEAST_REQUEST and consistent hash are written, RANDOM and
 * PASSTHROUGH are dropped; only {@code http2MaxRequests} becomes a threshold; only
 * {@code ISTIO_MUTUAL} becomes a TLS context with istiod's certificate providers; outlier
 * detection and the other pool limits are dropped) and {@code pilot/pkg/xds/endpoints} (one
 * locality, weights, HEALTHY, {@code istio.workload} metadata). Only the parts bookinfo's task
 * manifests and the tests use are written; it is a test fixture, not an istiod.
 */
public final class GrpcGen {
  public static final String DOMAIN = "cluster.local";

  /** A pod behind a service port. */
  public record Pod(String name, String address, int port, Map<String, String> labels) {}

  /** A Kubernetes service: one HTTP port and its pods. */
  public record Svc(String name, String namespace, int port, List<Pod> pods) {
    public String host() {
      return name + "." + namespace + ".svc." + DOMAIN;
    }
  }

  /** The generated resources, by name, per type. */
  public record Resources(Map<String, Listener> listeners, Map<String, RouteConfiguration> routes,
      Map<String, Cluster> clusters, Map<String, ClusterLoadAssignment> endpoints) {
    public Map<String, ? extends Message> of(String type) {
      return switch (type) {
        case dev.mesh4j.istiod.internal.AdsClient.LDS -> listeners;
        case dev.mesh4j.istiod.internal.AdsClient.RDS -> routes;
        case dev.mesh4j.istiod.internal.AdsClient.CDS -> clusters;
        default -> endpoints;
      };
    }
  }

  private final MeshConfig config;
  private final List<Svc> services;
  private final String proxyNamespace;
  private final Map<String, String> proxyLabels;

  public GrpcGen(MeshConfig config, List<Svc> services, String proxyNamespace, Map<String, String> proxyLabels) {
    this.config = config;
    this.services = services;
    this.proxyNamespace = proxyNamespace;
    this.proxyLabels = proxyLabels;
  }

  public Resources generate() {
    Map<String, Listener> lds = new TreeMap<>();
    Map<String, RouteConfiguration> rds = new TreeMap<>();
    Map<String, Cluster> cds = new TreeMap<>();
    Map<String, ClusterLoadAssignment> eds = new TreeMap<>();
    for (Svc s : services) {
      String rdsName = cluster(s.host(), s.port(), null);
      lds.put(s.host() + ":" + s.port(), listener(s, rdsName));
      rds.put(rdsName, routeConfiguration(s, rdsName));
      DestinationRule dr = destinationRule(s.host());
      List<String> subsets = new ArrayList<>();
      subsets.add(null);
      if (dr != null) {
        dr.subsets().forEach(x -> subsets.add(x.name()));
      }
      for (String subset : subsets) {
        String name = cluster(s.host(), s.port(), subset);
        cds.put(name, cluster(name, s, dr, subset));
        eds.put(name, loadAssignment(name, s, dr, subset));
      }
    }
    return new Resources(lds, rds, cds, eds);
  }

  public static String cluster(String host, int port, String subset) {
    return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
  }

  // --- LDS: grpcgen/lds.go buildOutboundListeners -------------------------------------------------

  private static Listener listener(Svc s, String rdsName) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.fault")
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .setRds(Rds.newBuilder().setRouteConfigName(rdsName)
            .setConfigSource(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
        .build();
    return Listener.newBuilder().setName(s.host() + ":" + s.port())
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("10.96.0.1")
            .setPortValue(s.port())))
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }

  // --- RDS: grpcgen/rds.go, core/httproute.go, core/route/route.go -------------------------------

  private RouteConfiguration routeConfiguration(Svc s, String name) {
    List<Route> routes = new ArrayList<>();
    VirtualService vs = virtualService(s.host());
    if (vs != null) {
      routes.addAll(routesFor(vs, s));
    }
    if (routes.isEmpty()) {
      routes.add(defaultRoute(s));
    }
    String shortName = s.name();
    VirtualHost vh = VirtualHost.newBuilder().setName(s.host() + ":" + s.port())
        .addAllDomains(List.of(s.host(), s.host() + ":" + s.port(), shortName, shortName + ":" + s.port(),
            shortName + "." + s.namespace(), shortName + "." + s.namespace() + ":" + s.port()))
        .addAllRoutes(routes)
        .build();
    return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(vh).build();
  }

  private Route defaultRoute(Svc s) {
    // BuildDefaultHTTPOutboundRoute: prefix "/", the default cluster, Istio's default retry policy.
    RouteAction.Builder a = RouteAction.newBuilder().setCluster(cluster(s.host(), s.port(), null))
        .setTimeout(com.google.protobuf.Duration.getDefaultInstance())
        .setRetryPolicy(retry(null, false));
    ConsistentHashLb hash = hashFor(Destination.of(s.host()), s);
    if (hash != null) {
      a.addHashPolicy(hashPolicy(hash));
    }
    return Route.newBuilder().setName("default").setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setDecorator(Decorator.newBuilder().setOperation(s.host() + ":" + s.port() + "/*"))
        .setRoute(a).build();
  }

  private List<Route> routesFor(VirtualService vs, Svc s) {
    List<Route> out = new ArrayList<>();
    for (HttpRoute http : vs.http()) {
      boolean catchAll = false;
      if (http.match().isEmpty()) {
        out.add(translate(vs, http, null, s));
        catchAll = true;
      } else {
        for (HttpMatchRequest m : http.match()) {
          if (m.port() != null && m.port() != s.port()) {
            continue;
          }
          if (!sourceMatch(m)) {
            continue;
          }
          Route r = translate(vs, http, m, s);
          out.add(r);
          if (isCatchAll(r)) {
            catchAll = true;
            break;
          }
        }
      }
      if (catchAll) {
        break;
      }
    }
    return out;
  }

  private boolean sourceMatch(HttpMatchRequest m) {
    if (!m.gateways().isEmpty()) {
      return m.gateways().contains("mesh");
    }
    for (Map.Entry<String, String> l : m.sourceLabels().entrySet()) {
      if (!l.getValue().equals(proxyLabels.get(l.getKey()))) {
        return false;
      }
    }
    return m.sourceNamespace() == null || m.sourceNamespace().equals(proxyNamespace);
  }

  private static boolean isCatchAll(Route r) {
    RouteMatch m = r.getMatch();
    boolean path = m.getPathSpecifierCase() == RouteMatch.PathSpecifierCase.PREFIX && m.getPrefix().equals("/")
        || m.getPathSpecifierCase() == RouteMatch.PathSpecifierCase.SAFE_REGEX && m.getSafeRegex().getRegex().equals(".*");
    return path && m.getHeadersCount() == 0 && m.getQueryParametersCount() == 0;
  }

  private Route translate(VirtualService vs, HttpRoute in, HttpMatchRequest match, Svc s) {
    String name = in.name() == null ? "" : in.name();
    if (match != null && match.name() != null) {
      name = name + "." + match.name();
    }
    Route.Builder out = Route.newBuilder().setName(name).setMatch(routeMatch(match))
        .setMetadata(Metadata.newBuilder().putFilterMetadata("istio", Struct.newBuilder()
            .putFields("config", Value.newBuilder().setStringValue("/apis/networking.istio.io/v1/namespaces/"
                + vs.metadata().namespace() + "/virtual-service/" + vs.metadata().name()).build()).build()));
    String authority = null;
    if (in.headers() != Headers.NONE) {
      authority = headerOps(in.headers(), out::addRequestHeadersToAdd, out::addAllRequestHeadersToRemove,
          out::addResponseHeadersToAdd, out::addAllResponseHeadersToRemove);
    }
    if (in.redirect() != null) {
      var r = in.redirect();
      RedirectAction.Builder a = RedirectAction.newBuilder();
      if (r.authority() != null) {
        a.setHostRedirect(r.authority());
      }
      if (r.prefixRewrite() != null) {
        a.setPrefixRewrite(r.prefixRewrite());
      } else if (r.uri() != null) {
        a.setPathRedirect(r.uri());
      }
      if (r.scheme() != null) {
        a.setSchemeRedirect(r.scheme());
      }
      if (r.port() != null) {
        a.setPortRedirect(r.port());
      }
      a.setResponseCode(switch (r.redirectCode()) {
        case 302 -> RedirectAction.RedirectResponseCode.FOUND;
        case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
        case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
        case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
        default -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
      });
      out.setRedirect(a);
    } else if (in.directResponse() != null) {
      var d = in.directResponse();
      DirectResponseAction.Builder a = DirectResponseAction.newBuilder().setStatus(d.status());
      if (d.bodyString() != null) {
        a.setBody(io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder().setInlineString(d.bodyString()));
      } else if (d.bodyBase64() != null) {
        a.setBody(io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder()
            .setInlineBytes(ByteString.copyFrom(d.body())));
      }
      out.setDirectResponse(a);
    } else {
      out.setRoute(action(in, out, authority, s));
    }
    if (in.fault() != null) {
      out.putTypedPerFilterConfig("envoy.filters.http.fault", Any.pack(fault(in.fault())));
    }
    return out.build();
  }

  private RouteAction action(HttpRoute in, Route.Builder route, String authority, Svc s) {
    RouteAction.Builder a = RouteAction.newBuilder();
    com.google.protobuf.Duration timeout = in.timeout() == null ? com.google.protobuf.Duration.getDefaultInstance()
        : proto(in.timeout());
    a.setTimeout(timeout);
    a.setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(timeout));
    if (in.rewrite() != null) {
      if (in.rewrite().uriRegexRewrite() != null) {
        a.setRegexRewrite(io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute.newBuilder()
            .setPattern(RegexMatcher.newBuilder().setRegex(in.rewrite().uriRegexRewrite().match()))
            .setSubstitution(in.rewrite().uriRegexRewrite().rewrite()));
      } else if (in.rewrite().uri() != null) {
        a.setPrefixRewrite(in.rewrite().uri());
      }
      if (in.rewrite().authority() != null) {
        authority = in.rewrite().authority();
      }
    }
    if (authority != null) {
      a.setHostRewriteLiteral(authority);
    }
    for (HttpMirrorPolicy m : in.mirrors()) {
      if (m.percentage() > 0) {
        a.addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder()
            .setCluster(destinationCluster(m.destination(), s))
            .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder()
                .setNumerator((int) (m.percentage() * 10000)).setDenominator(FractionalPercent.DenominatorType.MILLION)))
            .setTraceSampled(BoolValue.of(false)));
      }
    }
    boolean consistentHash = false;
    if (in.route().size() == 1) {
      HttpRouteDestination d = in.route().get(0);
      a.setCluster(destinationCluster(d.destination(), s));
      if (d.headers() != Headers.NONE) {
        String auth = headerOps(d.headers(), route::addRequestHeadersToAdd, route::addAllRequestHeadersToRemove,
            route::addResponseHeadersToAdd, route::addAllResponseHeadersToRemove);
        if (auth != null && !a.hasHostRewriteLiteral()) {
          a.setHostRewriteLiteral(auth);
        }
      }
      ConsistentHashLb hash = hashFor(d.destination(), s);
      if (hash != null) {
        a.addHashPolicy(hashPolicy(hash));
        consistentHash = true;
      }
    } else {
      WeightedCluster.Builder w = WeightedCluster.newBuilder();
      for (HttpRouteDestination d : in.route()) {
        if (d.weight() == null || d.weight() == 0) {
          continue;
        }
        WeightedCluster.ClusterWeight.Builder cw = WeightedCluster.ClusterWeight.newBuilder()
            .setName(destinationCluster(d.destination(), s)).setWeight(UInt32Value.of(d.weight()));
        if (d.headers() != Headers.NONE) {
          String auth = headerOps(d.headers(), cw::addRequestHeadersToAdd, cw::addAllRequestHeadersToRemove,
              cw::addResponseHeadersToAdd, cw::addAllResponseHeadersToRemove);
          if (auth != null) {
            cw.setHostRewriteLiteral(auth);
          }
        }
        ConsistentHashLb hash = hashFor(d.destination(), s);
        if (hash != null) {
          a.addHashPolicy(hashPolicy(hash));
        }
        w.addClusters(cw);
      }
      a.setWeightedClusters(w);
    }
    RetryPolicy retry = retry(in.retries(), consistentHash);
    if (retry != null) {
      a.setRetryPolicy(retry);
    }
    return a.build();
  }

  /** core/route/retry/retry.go ConvertPolicy. */
  private static RetryPolicy retry(HttpRetry in, boolean hashPolicy) {
    RetryPolicy.Builder out = RetryPolicy.newBuilder().setNumRetries(UInt32Value.of(2))
        .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
        .setHostSelectionRetryMaxAttempts(5);
    if (!hashPolicy) {
      out.addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
          .setName("envoy.retry_host_predicates.previous_hosts"));
    }
    if (in == null) {
      return out.build();
    }
    if (in.attempts() <= 0) {
      return null;
    }
    out.setNumRetries(UInt32Value.of(in.attempts()));
    if (in.retryOn() != null) {
      List<String> on = new ArrayList<>();
      List<Integer> codes = new ArrayList<>();
      for (String part : in.retryOn().split(",")) {
        part = part.trim();
        if (part.isEmpty()) {
          continue;
        }
        try {
          codes.add(Integer.parseInt(part));
        } catch (NumberFormatException e) {
          on.add(part);
        }
      }
      String joined = String.join(",", on);
      if (!codes.isEmpty() && !joined.contains("retriable-status-codes")) {
        joined += ",retriable-status-codes";
      }
      out.setRetryOn(joined).clearRetriableStatusCodes().addAllRetriableStatusCodes(codes);
    }
    if (in.perTryTimeout() != null) {
      out.setPerTryTimeout(proto(in.perTryTimeout()));
    }
    if (in.retryIgnorePreviousHosts() != null) {
      out.clearRetryHostPredicate();
      if (in.retryIgnorePreviousHosts()) {
        out.addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
            .setName("envoy.retry_host_predicates.previous_hosts"));
      }
    }
    if (in.backoff() != null) {
      out.setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(proto(in.backoff())));
    }
    return out.build();
  }

  private static HTTPFault fault(HttpFaultInjection in) {
    HTTPFault.Builder out = HTTPFault.newBuilder();
    if (in.delay() != null) {
      out.setDelay(FaultDelay.newBuilder().setFixedDelay(proto(in.delay().fixedDelay()))
          .setPercentage(percent(in.delay().percentage())));
    }
    if (in.abort() != null) {
      FaultAbort.Builder a = FaultAbort.newBuilder().setPercentage(percent(in.abort().percentage()));
      if (in.abort().httpStatus() != null) {
        a.setHttpStatus(in.abort().httpStatus());
      } else {
        a.setGrpcStatus(io.grpc.Status.Code.valueOf(in.abort().grpcStatus()).value());
      }
      out.setAbort(a);
    }
    return out.build();
  }

  private static FractionalPercent percent(double value) {
    return FractionalPercent.newBuilder().setNumerator((int) (value * 10000))
        .setDenominator(FractionalPercent.DenominatorType.MILLION).build();
  }

  /** TranslateRouteMatch. */
  private static RouteMatch routeMatch(HttpMatchRequest in) {
    RouteMatch.Builder out = RouteMatch.newBuilder().setPrefix("/");
    if (in == null) {
      return out.build();
    }
    List<HeaderMatcher> headers = new ArrayList<>();
    in.headers().forEach((n, m) -> headers.add(header(n, m).build()));
    in.withoutHeaders().forEach((n, m) -> {
      HeaderMatcher.Builder h = header(n, m).setInvertMatch(true);
      if (m.kind() != StringMatch.Kind.PRESENT) {
        h.setTreatMissingHeaderAsEmpty(true);
      }
      headers.add(h.build());
    });
    headers.sort(Comparator.comparing(HeaderMatcher::getName));
    out.addAllHeaders(headers);
    if (in.uri() != null) {
      switch (in.uri().kind()) {
        case EXACT -> out.setPath(in.uri().value());
        case PREFIX -> out.setPrefix(in.uri().value());
        case REGEX -> out.setSafeRegex(RegexMatcher.newBuilder().setRegex(in.uri().value()));
        default -> { }
      }
    }
    out.setCaseSensitive(BoolValue.of(!in.ignoreUriCase()));
    if (in.method() != null) {
      out.addHeaders(header(":method", in.method()));
    }
    if (in.authority() != null) {
      out.addHeaders(header(":authority", in.authority()));
    }
    if (in.scheme() != null) {
      out.addHeaders(header(":scheme", in.scheme()));
    }
    in.queryParams().forEach((n, m) -> {
      QueryParameterMatcher.Builder q = QueryParameterMatcher.newBuilder().setName(n);
      if (m.kind() == StringMatch.Kind.PRESENT) {
        q.setPresentMatch(true);
      } else {
        q.setStringMatch(stringMatcher(m));
      }
      out.addQueryParameters(q);
    });
    return out.build();
  }

  private static HeaderMatcher.Builder header(String name, StringMatch m) {
    HeaderMatcher.Builder h = HeaderMatcher.newBuilder().setName(name);
    return m.kind() == StringMatch.Kind.PRESENT ? h.setPresentMatch(true) : h.setStringMatch(stringMatcher(m));
  }

  private static StringMatcher stringMatcher(StringMatch m) {
    return switch (m.kind()) {
      case EXACT -> StringMatcher.newBuilder().setExact(m.value()).build();
      case PREFIX -> StringMatcher.newBuilder().setPrefix(m.value()).build();
      default -> StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(m.value())).build();
    };
  }

  private interface Sink<T> {
    void accept(T t);
  }

  /** TranslateHeadersOperations: set overwrites, add appends, sorted by name; the authority is a host rewrite. */
  private static String headerOps(Headers h, Sink<HeaderValueOption> reqAdd, Sink<List<String>> reqRemove,
      Sink<HeaderValueOption> respAdd, Sink<List<String>> respRemove) {
    String authority = null;
    String setAuthority = null;
    for (Map.Entry<String, String> e : new TreeMap<>(h.request().set()).entrySet()) {
      if (isAuthority(e.getKey())) {
        setAuthority = e.getValue();
        continue;
      }
      reqAdd.accept(option(e.getKey(), e.getValue(), false));
    }
    for (Map.Entry<String, String> e : new TreeMap<>(h.request().add()).entrySet()) {
      if (isAuthority(e.getKey())) {
        authority = e.getValue();
        continue;
      }
      reqAdd.accept(option(e.getKey(), e.getValue(), true));
    }
    new TreeMap<>(h.response().set()).forEach((k, v) -> respAdd.accept(option(k, v, false)));
    new TreeMap<>(h.response().add()).forEach((k, v) -> respAdd.accept(option(k, v, true)));
    reqRemove.accept(h.request().remove().stream().filter(n -> !isAuthority(n)).toList());
    respRemove.accept(h.response().remove());
    return setAuthority != null ? setAuthority : authority;
  }

  private static boolean isAuthority(String name) {
    return name.equalsIgnoreCase(":authority") || name.equalsIgnoreCase("host");
  }

  private static HeaderValueOption option(String k, String v, boolean append) {
    return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(k).setValue(v))
        .setAppendAction(append ? HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
            : HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }

  /** GetDestinationCluster: the destination's port, else the service's only port. */
  private String destinationCluster(Destination d, Svc from) {
    String host = fqdn(d.host(), from.namespace());
    int port = d.port() != null ? d.port() : services.stream().filter(x -> x.host().equals(host))
        .map(Svc::port).findFirst().orElse(from.port());
    return cluster(host, port, d.subset());
  }

  /** HashForHTTPDestination: the DestinationRule's consistent hash, subset over top level. */
  private ConsistentHashLb hashFor(Destination d, Svc from) {
    DestinationRule dr = destinationRule(fqdn(d.host(), from.namespace()));
    if (dr == null) {
      return null;
    }
    ConsistentHashLb hash = dr.trafficPolicy() != null && dr.trafficPolicy().loadBalancer() != null
        ? dr.trafficPolicy().loadBalancer().consistentHash() : null;
    for (Subset s : dr.subsets()) {
      if (s.name().equals(d.subset()) && s.trafficPolicy() != null && s.trafficPolicy().loadBalancer() != null
          && s.trafficPolicy().loadBalancer().consistentHash() != null) {
        hash = s.trafficPolicy().loadBalancer().consistentHash();
      }
    }
    return hash;
  }

  private static RouteAction.HashPolicy hashPolicy(ConsistentHashLb h) {
    RouteAction.HashPolicy.Builder p = RouteAction.HashPolicy.newBuilder();
    if (h.httpHeaderName() != null) {
      p.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(h.httpHeaderName()));
    } else if (h.httpCookie() != null) {
      RouteAction.HashPolicy.Cookie.Builder c = RouteAction.HashPolicy.Cookie.newBuilder().setName(h.httpCookie().name());
      if (h.httpCookie().ttl() != null) {
        c.setTtl(proto(h.httpCookie().ttl()));
      }
      if (h.httpCookie().path() != null) {
        c.setPath(h.httpCookie().path());
      }
      p.setCookie(c);
    } else if (h.useSourceIp()) {
      p.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
    } else if (h.httpQueryParameterName() != null) {
      p.setQueryParameter(RouteAction.HashPolicy.QueryParameter.newBuilder().setName(h.httpQueryParameterName()));
    }
    return p.build();
  }

  // --- CDS: grpcgen/cds.go ----------------------------------------------------------------------------

  private Cluster cluster(String name, Svc s, DestinationRule dr, String subset) {
    Cluster.Builder c = Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName(name)
            .setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())));
    TrafficPolicy policy = dr == null ? null : merged(dr, subset, s.port());
    if (policy == null) {
      return c.build();
    }
    ClientTlsSettings tls = policy.tls();
    if (tls != null && tls.mode() == ClientTlsSettings.TlsMode.ISTIO_MUTUAL) {
      CertificateProviderPluginInstance cert = CertificateProviderPluginInstance.newBuilder()
          .setInstanceName("default").setCertificateName("default").build();
      UpstreamTlsContext ctx = UpstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
          .setTlsCertificateProviderInstance(cert)
          .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
              .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                  .addMatchSubjectAltNames(StringMatcher.newBuilder()
                      .setExact("spiffe://cluster.local/ns/" + s.namespace() + "/sa/bookinfo-" + s.name()))
                  .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                      .setInstanceName("default").setCertificateName("ROOTCA")))))
          .build();
      c.setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
          .setTypedConfig(Any.pack(ctx)));
    }
    LoadBalancerSettings lb = policy.loadBalancer();
    if (lb != null) {
      if (lb.consistentHash() != null) {
        ConsistentHashLb h = lb.consistentHash();
        if (h.maglev()) {
          c.setLbPolicy(Cluster.LbPolicy.MAGLEV);
          if (h.maglevTableSize() != null) {
            c.setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(h.maglevTableSize())));
          }
        } else {
          c.setLbPolicy(Cluster.LbPolicy.RING_HASH).setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder()
              .setMinimumRingSize(UInt64Value.of(h.ringHashMinimumRingSize() == null ? 1024
                  : h.ringHashMinimumRingSize())));
        }
      } else if (lb.simple() == LoadBalancerSettings.SimpleLb.LEAST_REQUEST) {
        c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
      }
      // ROUND_ROBIN and UNSPECIFIED: gRPC's default, no lb_policy; RANDOM and PASSTHROUGH: dropped.
    }
    var pool = policy.connectionPool();
    if (pool != null && pool.http() != null && pool.http().http2MaxRequests() != null
        && pool.http().http2MaxRequests() > 0) {
      c.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
          .setMaxRequests(UInt32Value.of(pool.http().http2MaxRequests()))));
    }
    return c.build();
  }

  /** util.GetPortLevelTrafficPolicy + MergeSubsetTrafficPolicy. */
  private static TrafficPolicy merged(DestinationRule dr, String subset, int port) {
    TrafficPolicy top = dr.trafficPolicy() == null ? TrafficPolicy.EMPTY : dr.trafficPolicy();
    TrafficPolicy out = overlay(top, portLevel(top, port));
    if (subset != null) {
      for (Subset s : dr.subsets()) {
        if (s.name().equals(subset) && s.trafficPolicy() != null) {
          out = overlay(out, s.trafficPolicy());
          out = overlay(out, portLevel(s.trafficPolicy(), port));
        }
      }
    }
    return out;
  }

  private static TrafficPolicy portLevel(TrafficPolicy p, int port) {
    for (PortTrafficPolicy pl : p.portLevelSettings()) {
      if (pl.port() == port) {
        return new TrafficPolicy(pl.loadBalancer(), pl.connectionPool(), pl.outlierDetection(), pl.tls(), List.of(), null);
      }
    }
    return null;
  }

  private static TrafficPolicy overlay(TrafficPolicy base, TrafficPolicy over) {
    if (over == null) {
      return base;
    }
    return new TrafficPolicy(over.loadBalancer() != null ? over.loadBalancer() : base.loadBalancer(),
        over.connectionPool() != null ? over.connectionPool() : base.connectionPool(),
        over.outlierDetection() != null ? over.outlierDetection() : base.outlierDetection(),
        over.tls() != null ? over.tls() : base.tls(), List.of(),
        over.retryBudget() != null ? over.retryBudget() : base.retryBudget());
  }

  // --- EDS: pilot/pkg/xds/endpoints ------------------------------------------------------------------

  private static ClusterLoadAssignment loadAssignment(String name, Svc s, DestinationRule dr, String subset) {
    Map<String, String> selector = Map.of();
    if (subset != null) {
      for (Subset x : dr.subsets()) {
        if (x.name().equals(subset)) {
          selector = x.labels();
        }
      }
    }
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    int weight = 0;
    for (Pod p : s.pods()) {
      if (!p.labels().entrySet().containsAll(selector.entrySet())) {
        continue;
      }
      String workload = p.name() + ";" + s.namespace() + ";" + p.labels().getOrDefault("app", s.name()) + ";"
          + p.labels().getOrDefault("version", "") + ";Kubernetes";
      locality.addLbEndpoints(LbEndpoint.newBuilder()
          .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder().setAddress(Address.newBuilder()
              .setSocketAddress(SocketAddress.newBuilder().setAddress(p.address()).setPortValue(p.port()))))
          .setHealthStatus(HealthStatus.HEALTHY)
          .setLoadBalancingWeight(UInt32Value.of(1))
          .setMetadata(Metadata.newBuilder()
              .putFilterMetadata("envoy.transport_socket_match", Struct.newBuilder()
                  .putFields("tlsMode", Value.newBuilder().setStringValue("istio").build()).build())
              .putFilterMetadata("istio", Struct.newBuilder()
                  .putFields("workload", Value.newBuilder().setStringValue(workload).build()).build())));
      weight++;
    }
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(name);
    if (weight > 0) {
      cla.addEndpoints(locality.setLoadBalancingWeight(UInt32Value.of(weight)));
    }
    return cla.build();
  }

  // --- lookups ---------------------------------------------------------------------------------------

  private String fqdn(String host, String namespace) {
    return host.contains(".") ? host : host + "." + namespace + ".svc." + DOMAIN;
  }

  private String namespaceOf(dev.mesh4j.api.config.IstioResource r) {
    return r.metadata().namespace().isEmpty() ? proxyNamespace : r.metadata().namespace();
  }

  private VirtualService virtualService(String host) {
    for (VirtualService vs : config.all(VirtualService.class)) {
      boolean mesh = vs.gateways().isEmpty() || vs.gateways().contains("mesh");
      if (mesh && vs.hosts().stream().anyMatch(h -> fqdn(h, namespaceOf(vs)).equals(host))) {
        return withNamespace(vs);
      }
    }
    return null;
  }

  private VirtualService withNamespace(VirtualService vs) {
    return vs.metadata().namespace().isEmpty() ? vs.toBuilder().namespace(proxyNamespace).build() : vs;
  }

  private DestinationRule destinationRule(String host) {
    for (DestinationRule dr : config.all(DestinationRule.class)) {
      if (fqdn(dr.host(), namespaceOf(dr)).equals(host)) {
        return dr;
      }
    }
    return null;
  }

  private static com.google.protobuf.Duration proto(Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  public static Map<String, String> labels(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
