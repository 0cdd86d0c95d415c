package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ClientTlsSettings.TlsMode;
import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.ConsistentHashLb.Attribute;
import dev.mesh4j.api.config.ConsistentHashLb.HttpCookie;
import dev.mesh4j.api.config.Delegate;
import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.Gateway;
import dev.mesh4j.api.config.Gateway.Server;
import dev.mesh4j.api.config.HeaderOperations;
import dev.mesh4j.api.config.Headers;
import dev.mesh4j.api.config.HttpDirectResponse;
import dev.mesh4j.api.config.HttpFaultInjection;
import dev.mesh4j.api.config.HttpFaultInjection.Abort;
import dev.mesh4j.api.config.HttpFaultInjection.Delay;
import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.HttpMirrorPolicy;
import dev.mesh4j.api.config.HttpRedirect;
import dev.mesh4j.api.config.HttpRetry;
import dev.mesh4j.api.config.HttpRewrite;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.HttpRouteDestination;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LocalityLbSetting;
import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import dev.mesh4j.api.config.LoadBalancerSettings.Warmup;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.config.PortTrafficPolicy;
import dev.mesh4j.api.config.RegexRewrite;
import dev.mesh4j.api.config.ServiceEntry;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.config.Sidecar;
import dev.mesh4j.api.config.StringMatch;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.config.L4MatchAttributes;
import dev.mesh4j.api.config.RouteDestination;
import dev.mesh4j.api.config.TcpRoute;
import dev.mesh4j.api.config.TlsMatchAttributes;
import dev.mesh4j.api.config.TlsRoute;
import dev.mesh4j.api.config.WorkloadEndpoint;
import dev.mesh4j.api.config.WorkloadEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Resources built in code that between them set every field of every record of the config
 * model (ManifestWriterTest checks that they do), each to a value Istio accepts: the hand-built
 * side of the manifest round trip, and the model's vocabulary for CodeAndYamlValidateAlikeTest.
 * Fields the builders do not offer (deprecated or "was given" flags) are set with the records'
 * constructors.
 */
final class ModelSamples {
  private ModelSamples() {}

  /** Every sample, in an order a mesh could load them in. */
  static List<IstioResource> all() {
    return List.of(reviewsVirtualService(), delegateVirtualService(), egressVirtualService(), reviewsDestinationRule(),
        ratingsDestinationRule(), externalServiceEntry(), selectedServiceEntry(), workloadEntry(),
        sidecar(), permissiveSidecar(), gateway());
  }

  static VirtualService reviewsVirtualService() {
    return VirtualService.builder("reviews")
        .namespace("prod")
        .label("app", "reviews")
        .annotation("owner", "team-reviews")
        .creationTimestamp(Instant.parse("2024-01-02T15:04:05Z"))
        .hosts("reviews", "ratings")
        .gateways("mesh", "prod/edge")
        .exportTo(".", "other")
        .http(HttpRoute.builder()
            .name("primary")
            .match(HttpMatchRequest.builder()
                .name("api")
                .uri(StringMatch.prefix("/api"))
                .scheme(StringMatch.exact("https"))
                .method(StringMatch.regex("GET|POST"))
                .authority(StringMatch.prefix("reviews"))
                .header("end-user", StringMatch.exact("jason"))
                .header("x-present", StringMatch.present())
                .withoutHeader("x-debug", StringMatch.present())
                .queryParam("v", StringMatch.regex("[0-9]+"))
                .queryParam("flag", StringMatch.present())
                .ignoreUriCase(true)
                .port(9080)
                .sourceLabel("app", "productpage")
                .gateways("mesh")
                .sourceNamespace("prod"))
            // Every kind of StringMatch for every attribute, across the route's matches.
            .match(HttpMatchRequest.builder()
                .uri(StringMatch.exact("/api/exact"))
                .scheme(StringMatch.prefix("http"))
                .method(StringMatch.exact("GET"))
                .authority(StringMatch.regex("reviews(:[0-9]+)?"))
                .header("x-prefix", StringMatch.prefix("a"))
                .header("x-regex", StringMatch.regex("b.*"))
                .withoutHeader("x-exact", StringMatch.exact("1"))
                .withoutHeader("x-prefix", StringMatch.prefix("2"))
                .withoutHeader("x-regex", StringMatch.regex("3.*"))
                .queryParam("p", StringMatch.prefix("p"))
                .queryParam("e", StringMatch.exact("e")))
            .match(HttpMatchRequest.builder()
                .uri(StringMatch.regex("/api/v[0-9]+"))
                .scheme(StringMatch.regex("https?"))
                .method(StringMatch.prefix("P"))
                .authority(StringMatch.exact("reviews")))
            .route(HttpRouteDestination.builder()
                .destination(Destination.builder().host("reviews").subset("v1").port(9080))
                .weight(80)
                .headers(Headers.builder()
                    .request(HeaderOperations.builder().set("x-a", "1").add("x-b", "2").remove("x-c"))
                    .response(HeaderOperations.builder().set("x-d", "%UPSTREAM_HOST%").add("x-e", "5")
                    .remove("x-f"))))
            .route(Destination.of("reviews", "v2"), 20)
            .rewrite(HttpRewrite.builder().uri("/v1/api").authority("reviews.internal"))
            .timeout(Duration.ofMillis(1500))
            .retries(HttpRetry.builder()
                .attempts(3)
                .perTryTimeout(Duration.ofMillis(200))
                .retryOn("5xx", "connect-failure", "503")
                .retryRemoteLocalities(true)
                .retryIgnorePreviousHosts(true)
                .backoff(Duration.ofMillis(25)))
            .fault(HttpFaultInjection.builder()
                .delay(Delay.builder().fixedDelay(Duration.ofSeconds(7)).percentage(0.5))
                .abort(Abort.builder().httpStatus(503).percentage(10)))
            .mirrors(HttpMirrorPolicy.builder().destination(Destination.builder().host("ratings"))
                .percentage(12.5))
            .mirrors(HttpMirrorPolicy.builder().destination(Destination.builder().host("shadow")))
            .headers(Headers.builder()
                .request(HeaderOperations.builder().set("x-route", "primary"))
                .request(HeaderOperations.builder().add("x-trace", "on").remove("x-secret"))
                .response(HeaderOperations.builder().set("x-served-by", "mesh4j").add("x-via", "reviews")
                    .remove("x-internal"))))
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().uri(StringMatch.exact("/old")))
            .redirect(HttpRedirect.builder().uri("/new").authority("new.example.com").port(8443)
                .scheme("https").redirectCode(308)))
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().uri(StringMatch.prefix("/legacy")))
            .redirect(HttpRedirect.builder().prefixRewrite("/modern")
                .derivePort(HttpRedirect.DerivePort.FROM_REQUEST_PORT)))
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().uri(StringMatch.regex("/static/.*")))
            .directResponse(HttpDirectResponse.builder().status(200).bodyString("ok")))
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().uri(StringMatch.exact("/bytes")))
            .directResponse(HttpDirectResponse.builder().status(503)
                .bodyBytes("unavailable\n".getBytes(StandardCharsets.UTF_8))))
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().header("x-v2", StringMatch.exact("yes")))
            .route(Destination.of("reviews", "v2"))
            .rewrite(HttpRewrite.builder().uriRegexRewrite(
                RegexRewrite.builder().match("^/v2/(.*)").rewrite("/\\1")))
            .fault(HttpFaultInjection.builder()
                .abort(Abort.builder().grpcStatus("UNAVAILABLE").percentage(100))))
        .http(HttpRoute.builder()
            .delegate(Delegate.builder().name("reviews-delegate").namespace("other")))
        .build();
  }

  /** TLS and TCP routes, every field of their matches and destinations set. */
  static VirtualService egressVirtualService() {
    return VirtualService.builder("egress")
        .namespace("prod")
        .hosts("*.cnn.com", "db.example.com")
        .gateways("mesh", "istio-egressgateway")
        .tls(TlsRoute.builder()
            .match(TlsMatchAttributes.builder().sniHosts("edition.cnn.com", "*.cnn.com")
                .destinationSubnets("151.101.0.0/16").port(443).sourceLabel("app", "shop")
                .gateways("mesh").sourceNamespace("prod"))
            .route(RouteDestination.builder()
                .destination(Destination.builder().host("istio-egressgateway.istio-system.svc.cluster.local")
                    .subset("cnn").port(443))
                .weight(90))
            .route(Destination.of("edition.cnn.com"), 10))
        .tcp(TcpRoute.builder()
            .match(L4MatchAttributes.builder().destinationSubnets("10.0.0.0/8", "192.168.1.1").port(5432)
                .sourceLabel("app", "shop").gateways("mesh").sourceNamespace("prod"))
            .route(Destination.builder().host("db.example.com").port(5432)))
        .build();
  }

  /** A delegate VirtualService (no hosts), its namespace left unset. */
  static VirtualService delegateVirtualService() {
    return VirtualService.builder("reviews-delegate")
        .http(HttpRoute.builder().route(Destination.of("reviews", "v3")))
        .build();
  }

  static DestinationRule reviewsDestinationRule() {
    ConsistentHashLb cookie = ConsistentHashLb.builder()
        .httpCookie(HttpCookie.builder().name("user").path("/").ttl(Duration.ZERO)
            .attributes(Attribute.builder().name("SameSite").value("Strict"),
                Attribute.builder().name("Secure")))
        .ringHash(2048)
        .build();
    // tcpKeepalive is kept as "was given" only: no builder sets it.
    LoadBalancerSettings lb = new LoadBalancerSettings(null, cookie,
        LocalityLbSetting.builder().enabled(true)
            .distribute(LocalityLbSetting.Distribute.builder().from("us-west/zone1/*")
                .to(Map.of("us-west/zone1/*", 80, "us-west/zone2/*", 20)))
            .build(),
        Warmup.builder().duration(Duration.ofSeconds(30)).minimumPercent(10).aggression(1.5)
            .build());
    ConnectionPoolSettings pool = new ConnectionPoolSettings(
        new ConnectionPoolSettings.Tcp(100, Duration.ofSeconds(3), true, Duration.ofHours(1),
            Duration.ZERO),
        ConnectionPoolSettings.Http.builder().http1MaxPendingRequests(1).http2MaxRequests(2)
            .maxRequestsPerConnection(3).maxRetries(4).idleTimeout(Duration.ofSeconds(90))
            .h2UpgradePolicy("DO_NOT_UPGRADE").useClientProtocol(true).maxConcurrentStreams(5)
            .build());
    // consecutiveErrors is deprecated (a warning), kept by the model: no builder sets it.
    OutlierDetection outlier = new OutlierDetection(7, true, 3, 4, 5, Duration.ofSeconds(10),
        Duration.ofSeconds(30), 50, 20);
    return DestinationRule.builder("reviews")
        .namespace("prod")
        .host("reviews")
        .trafficPolicy(TrafficPolicy.builder()
            .loadBalancer(lb)
            .connectionPool(pool)
            .outlierDetection(outlier)
            .retryBudget(TrafficPolicy.RetryBudget.builder().percent(25).minRetryConcurrency(4))
            .tls(ClientTlsSettings.builder().mode(TlsMode.MUTUAL).clientCertificate("/certs/cert.pem")
                .privateKey("/certs/key.pem").caCertificates("/certs/ca.pem")
                .subjectAltNames("reviews.prod.svc.cluster.local").sni("reviews.prod")
                .insecureSkipVerify(false))
            .portLevelSettings(
                PortTrafficPolicy.builder().port(9080)
                    .loadBalancer(LoadBalancerSettings.builder().consistentHash(
                        ConsistentHashLb.builder().httpHeaderName("x-user").maglev(65537)))
                    .tls(ClientTlsSettings.builder().mode(TlsMode.SIMPLE)
                        .credentialName("reviews-cert").sni("reviews.example.com")),
                PortTrafficPolicy.builder().port(9443)
                    .loadBalancer(LoadBalancerSettings.builder().simple(SimpleLb.LEAST_REQUEST)
                        .localityLbSetting(LocalityLbSetting.builder()
                            .failover(LocalityLbSetting.Failover.builder().from("us-west").to("us-east"))
                            .failoverPriority("topology.istio.io/network", "app")))
                    .connectionPool(ConnectionPoolSettings.builder()
                        .http(ConnectionPoolSettings.Http.builder().maxRetries(2)))
                    .outlierDetection(OutlierDetection.builder().consecutive5xxErrors(2))))
        .subsets(
            Subset.builder().name("v1").label("version", "v1")
                .trafficPolicy(TrafficPolicy.builder()
                    .loadBalancer(LoadBalancerSettings.simple(SimpleLb.ROUND_ROBIN))),
            Subset.builder().name("v2").label("version", "v2"))
        .build();
  }

  static DestinationRule ratingsDestinationRule() {
    return DestinationRule.builder("ratings")
        .namespace("prod")
        .host("ratings.prod.svc.cluster.local")
        .workloadSelector("app", "productpage")
        .exportTo(".")
        .trafficPolicy(TrafficPolicy.builder()
            .loadBalancer(LoadBalancerSettings.builder()
                .consistentHash(ConsistentHashLb.builder().useSourceIp(true)))
            .portLevelSettings(PortTrafficPolicy.builder().port(9080)
                .loadBalancer(LoadBalancerSettings.builder().consistentHash(
                    ConsistentHashLb.builder().httpQueryParameterName("user")))
                .tls(ClientTlsSettings.builder().mode(TlsMode.SIMPLE).sni("ratings")
                    .insecureSkipVerify(true))))
        .build();
  }

  static ServiceEntry externalServiceEntry() {
    return ServiceEntry.builder("external")
        .namespace("prod")
        .hosts("api.example.com")
        .addresses("240.0.0.1")
        .ports(ServicePort.builder().number(443).protocol("HTTPS").name("https").targetPort(8443),
            ServicePort.builder().number(80).protocol("HTTP").name("http"))
        .location(ServiceEntry.Location.MESH_INTERNAL)
        .resolution(ServiceEntry.Resolution.DNS)
        .endpoints(WorkloadEndpoint.builder().address("api-1.example.com").port("https", 8443)
            .label("region", "eu").network("n1").locality("eu-west/zone-a").weight(2)
            .serviceAccount("api"))
        .exportTo("*")
        .subjectAltNames("spiffe://cluster.local/ns/prod/sa/api")
        .build();
  }

  static ServiceEntry selectedServiceEntry() {
    return ServiceEntry.builder("selected")
        .namespace("prod")
        .hosts("db.internal")
        .ports(ServicePort.builder().number(8080).protocol("HTTP").name("http"))
        .resolution(ServiceEntry.Resolution.STATIC)
        .workloadSelector("app", "db")
        .build();
  }

  static WorkloadEntry workloadEntry() {
    return WorkloadEntry.builder("vm-1")
        .namespace("prod")
        .spec(WorkloadEndpoint.builder().address("10.0.0.5").port("http", 8080)
            .label("app", "reviews").network("vm-network").locality("eu-west/zone-b").weight(3)
            .serviceAccount("reviews"))
        .build();
  }

  static Sidecar sidecar() {
    return Sidecar.builder("default")
        .namespace("prod")
        .workloadSelector("app", "reviews")
        .egressHosts("./*", "istio-system/*")
        .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY)
        .build();
  }

  static Sidecar permissiveSidecar() {
    return Sidecar.builder("permissive")
        .namespace("other")
        .outboundTrafficPolicy(OutboundTrafficPolicy.ALLOW_ANY)
        .build();
  }

  static Gateway gateway() {
    return Gateway.builder("edge")
        .namespace("prod")
        .selector("istio", "ingressgateway")
        .servers(Server.builder().port(80, "HTTP").hosts("*.example.com").name("http"),
            Server.builder().port(443, "HTTPS").hosts("prod/reviews.example.com"))
        .build();
  }
}
