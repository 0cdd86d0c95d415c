package dev.mesh4j.core.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ClientTlsSettings.TlsMode;
import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.ConsistentHashLb;
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
import dev.mesh4j.api.config.HttpRedirect;
import dev.mesh4j.api.config.HttpRetry;
import dev.mesh4j.api.config.HttpRewrite;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.HttpRouteDestination;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import dev.mesh4j.api.config.LoadBalancerSettings.Warmup;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.config.PortTrafficPolicy;
import dev.mesh4j.api.config.ServiceEntry;
import dev.mesh4j.api.config.ServiceEntry.Resolution;
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
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Configuration written with the builders reads like the YAML it stands for, and is the very
 * record the YAML loader produces from that YAML (origins aside: a loaded resource names its
 * file). Documents without {@code metadata.namespace} are loaded with the namespace left unset,
 * which is what a builder without {@code namespace(...)} produces.
 */
class BuildersMatchYamlTest {

  @Test
  void bookinfoReviews80To20() {
    // The example of VirtualService's class Javadoc.
    VirtualService reviews = VirtualService.builder("reviews")
        .hosts("reviews")
        .http(HttpRoute.builder()
            .route(HttpRouteDestination.builder()
                .destination(Destination.builder().host("reviews").subset("v1"))
                .weight(80))
            .route(HttpRouteDestination.builder()
                .destination(Destination.builder().host("reviews").subset("v2"))
                .weight(20)))
        .build();

    assertThat(reviews).isEqualTo(sample("bookinfo/virtual-service-reviews-80-20.yaml").get(0));
    assertThat(VirtualService.builder("reviews")
        .hosts("reviews")
        .http(HttpRoute.builder()
            .route(Destination.of("reviews", "v1"), 80)
            .route(Destination.of("reviews", "v2"), 20))
        .build())
        .as("the shorthand").isEqualTo(reviews);
  }

  @Test
  void istiosHttpsEgressGatewayVirtualService() {
    // The example of TlsRoute's class Javadoc, in the VirtualService of Istio's HTTPS egress task.
    VirtualService built = VirtualService.builder("direct-cnn-through-egress-gateway")
        .hosts("edition.cnn.com")
        .gateways("mesh", "istio-egressgateway")
        .tls(TlsRoute.builder()
            .match(TlsMatchAttributes.builder().port(443).sniHosts("edition.cnn.com").gateways("mesh"))
            .route(Destination.builder()
                .host("istio-egressgateway.istio-system.svc.cluster.local").subset("cnn").port(443)))
        .tls(TlsRoute.builder()
            .match(TlsMatchAttributes.builder().port(443).sniHosts("edition.cnn.com").gateways("istio-egressgateway"))
            .route(RouteDestination.builder()
                .destination(Destination.builder().host("edition.cnn.com").port(443)).weight(100)))
        .tcp(TcpRoute.builder()
            .match(L4MatchAttributes.builder().port(8080).destinationSubnets("10.0.0.0/8"))
            .route(Destination.of("edition.cnn.com"), 100))
        .build();

    assertThat(built).isEqualTo(load("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: direct-cnn-through-egress-gateway
        spec:
          hosts:
          - edition.cnn.com
          gateways:
          - mesh
          - istio-egressgateway
          tls:
          - match:
            - gateways:
              - mesh
              port: 443
              sniHosts:
              - edition.cnn.com
            route:
            - destination:
                host: istio-egressgateway.istio-system.svc.cluster.local
                subset: cnn
                port:
                  number: 443
          - match:
            - gateways:
              - istio-egressgateway
              port: 443
              sniHosts:
              - edition.cnn.com
            route:
            - destination:
                host: edition.cnn.com
                port:
                  number: 443
              weight: 100
          tcp:
          - match: [{port: 8080, destinationSubnets: [10.0.0.0/8]}]
            route: [{destination: {host: edition.cnn.com}, weight: 100}]
        """).get(0));
  }

  @Test
  void bookinfoReviewsJasonToV2OthersToV3() {
    VirtualService reviews = VirtualService.builder("reviews")
        .hosts("reviews")
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().header("end-user", StringMatch.exact("jason")))
            .route(Destination.of("reviews", "v2")))
        .http(HttpRoute.builder()
            .route(Destination.of("reviews", "v3")))
        .build();

    assertThat(reviews)
        .isEqualTo(sample("bookinfo/virtual-service-reviews-jason-v2-v3.yaml").get(0));
  }

  @Test
  void bookinfoDestinationRuleForReviews() {
    DestinationRule reviews = DestinationRule.builder("reviews")
        .host("reviews")
        .subsets(Subset.builder().name("v1").label("version", "v1"))
        .subsets(Subset.builder().name("v2").label("version", "v2"))
        .subsets(Subset.builder().name("v3").label("version", "v3"))
        .build();

    assertThat(sample("bookinfo/destination-rule-all.yaml"))
        .filteredOn(r -> r.metadata().name().equals("reviews"))
        .containsExactly(reviews);
  }

  @Test
  void bookinfoRatingsDelayForJason() {
    // The example of HttpFaultInjection's class Javadoc.
    HttpFaultInjection fault = HttpFaultInjection.builder()
        .delay(Delay.builder().percentage(100).fixedDelay(Duration.ofSeconds(7)))
        .build();

    VirtualService ratings = VirtualService.builder("ratings")
        .hosts("ratings")
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().header("end-user", StringMatch.exact("jason")))
            .fault(fault)
            .route(Destination.of("ratings", "v1")))
        .http(HttpRoute.builder()
            .route(Destination.of("ratings", "v1")))
        .build();

    assertThat(ratings)
        .isEqualTo(sample("bookinfo/virtual-service-ratings-test-delay.yaml").get(0));
  }

  @Test
  void bookinfoRatingsAbortForJason() {
    VirtualService ratings = VirtualService.builder("ratings")
        .hosts("ratings")
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().header("end-user", StringMatch.exact("jason")))
            .fault(HttpFaultInjection.builder()
                .abort(Abort.builder().percentage(100).httpStatus(500)))
            .route(Destination.of("ratings", "v1")))
        .http(HttpRoute.builder()
            .route(Destination.of("ratings", "v1")))
        .build();

    assertThat(ratings)
        .isEqualTo(sample("bookinfo/virtual-service-ratings-test-abort.yaml").get(0));
  }

  @Test
  void pilotFaultInjectionServiceEntryRuleAndRouteAsOneConfig() {
    MeshConfig config = MeshConfig.builder()
        .add(ServiceEntry.builder("fault")
            .namespace("testns")
            .hosts("fault.test.istio.io")
            .ports(ServicePort.builder().number(8080).name("http").protocol("HTTP"))
            .resolution(Resolution.STATIC)
            .endpoints(WorkloadEndpoint.builder()
                .address("127.0.0.2")
                .port("http", 8080)
                .label("version", "v1"))
            .endpoints(WorkloadEndpoint.builder()
                .address("127.0.0.3")
                .port("http", 8081)
                .label("version", "v2")))
        .add(DestinationRule.builder("fault")
            .namespace("testns")
            .host("c-weighted.extsvc.com")
            .subsets(Subset.builder().name("v1").label("version", "v1"))
            .subsets(Subset.builder().name("v2").label("version", "v2")))
        .add(VirtualService.builder("fault")
            .namespace("testns")
            .hosts("fault.test.istio.io")
            .http(HttpRoute.builder()
                .match(HttpMatchRequest.builder()
                    .header("version", StringMatch.exact("v2"))
                    .sourceLabel("version", "v1"))
                .route(HttpRouteDestination.builder()
                    .destination(Destination.builder().host("c").subset("v2"))
                    .weight(100))
                .fault(HttpFaultInjection.builder()
                    .delay(Delay.builder().percentage(100).fixedDelay(Duration.ofSeconds(5)))
                    .abort(Abort.builder().percentage(100).httpStatus(503)))))
        .build();

    assertThat(config.resources())
        .isEqualTo(sample("pilot-testdata/rule-fault-injection.yaml"));
  }

  @Test
  void pilotStaticWeightedServiceEntry() {
    ServiceEntry httpbin = ServiceEntry.builder("httpbin")
        .hosts("weighted.static.svc.cluster.local")
        .ports(ServicePort.builder().number(80).name("http").protocol("HTTP"))
        .resolution(Resolution.STATIC)
        .endpoints(WorkloadEndpoint.builder().address("3.3.3.3").locality("a"))
        .endpoints(WorkloadEndpoint.builder().address("2.2.2.2").locality("a").weight(8))
        .endpoints(WorkloadEndpoint.builder().address("1.1.1.1").locality("b").weight(3))
        .build();

    assertThat(sample("pilot-testdata/static-weighted-se.yaml")).containsExactly(httpbin);
  }

  @Test
  void pilotDestinationRuleWithEveryPolicy() {
    DestinationRule destall = DestinationRule.builder("destall")
        .namespace("testns")
        .host("destall.default.svc.cluster.local")
        .trafficPolicy(TrafficPolicy.builder()
            .loadBalancer(LoadBalancerSettings.builder().simple(SimpleLb.ROUND_ROBIN))
            .connectionPool(ConnectionPoolSettings.builder()
                .tcp(ConnectionPoolSettings.Tcp.builder()
                    .maxConnections(99)
                    .connectTimeout(Duration.ofSeconds(6)))
                .http(ConnectionPoolSettings.Http.builder()
                    .http2MaxRequests(33)
                    .maxRequestsPerConnection(65)
                    .maxRetries(4)
                    .http1MaxPendingRequests(14)))
            .outlierDetection(OutlierDetection.builder()
                .interval(Duration.ofMillis(8))
                .baseEjectionTime(Duration.ofMinutes(1))
                .maxEjectionPercent(11))
            .tls(ClientTlsSettings.builder().mode(TlsMode.DISABLE)))
        .subsets(Subset.builder().name("v1").label("version", "v1"))
        .subsets(Subset.builder()
            .name("v2")
            .label("version", "v2")
            .trafficPolicy(TrafficPolicy.builder()
                .loadBalancer(LoadBalancerSettings.builder()
                    .consistentHash(ConsistentHashLb.builder()
                        .httpCookie(HttpCookie.builder().name("Cookie").ttl(Duration.ofSeconds(30)))
                        // The file uses the deprecated top-level minimumRingSize.
                        .ringHash(42)))))
        .build();

    assertThat(sample("pilot-testdata/destination-rule-all.yaml"))
        .filteredOn(r -> r instanceof DestinationRule)
        .containsExactly(destall);
  }

  @Test
  void destinationRuleWithConnectionPoolOutlierDetectionConsistentHashAndTls() {
    DestinationRule ratings = DestinationRule.builder("ratings")
        .namespace("bookinfo")
        .host("ratings.bookinfo.svc.cluster.local")
        .trafficPolicy(TrafficPolicy.builder()
            .connectionPool(ConnectionPoolSettings.builder()
                .tcp(ConnectionPoolSettings.Tcp.builder()
                    .maxConnections(100)
                    .connectTimeout(Duration.ofMillis(30))
                    .idleTimeout(Duration.ofMinutes(5)))
                .http(ConnectionPoolSettings.Http.builder()
                    .http1MaxPendingRequests(10)
                    .http2MaxRequests(1000)
                    .maxRequestsPerConnection(10)
                    .maxRetries(3)
                    .idleTimeout(Duration.ofSeconds(90))
                    .h2UpgradePolicy("UPGRADE")))
            .outlierDetection(OutlierDetection.builder()
                .consecutive5xxErrors(7)
                .consecutiveGatewayErrors(3)
                .interval(Duration.ofSeconds(5))
                .baseEjectionTime(Duration.ofMillis(1500))
                .maxEjectionPercent(50)
                .minHealthPercent(20))
            .loadBalancer(LoadBalancerSettings.builder()
                .consistentHash(ConsistentHashLb.builder()
                    .httpCookie(HttpCookie.builder()
                        .name("user")
                        .path("/")
                        .ttl(Duration.ofHours(1))
                        .attributes(ConsistentHashLb.Attribute.builder().name("SameSite")
                            .value("Strict"))
                        .attributes(ConsistentHashLb.Attribute.builder().name("Secure")))
                    .ringHash(2048)))
            .tls(ClientTlsSettings.builder()
                .mode(TlsMode.SIMPLE)
                .caCertificates("/etc/certs/ca.pem")
                .subjectAltNames("ratings.bookinfo.example.com")
                .sni("ratings.bookinfo.example.com"))
            .portLevelSettings(PortTrafficPolicy.builder()
                .port(9443)
                .loadBalancer(LoadBalancerSettings.builder()
                    .consistentHash(ConsistentHashLb.builder()
                        .httpHeaderName("x-user")
                        .maglev(65537)))
                .tls(ClientTlsSettings.builder()
                    .mode(TlsMode.MUTUAL)
                    .clientCertificate("/etc/certs/client.pem")
                    .privateKey("/etc/certs/client-key.pem"))))
        .subsets(Subset.builder()
            .name("v2")
            .label("version", "v2")
            .trafficPolicy(TrafficPolicy.builder()
                .loadBalancer(LoadBalancerSettings.builder()
                    .simple(SimpleLb.LEAST_REQUEST)
                    .warmup(Warmup.builder()
                        .duration(Duration.ofMinutes(1))
                        .minimumPercent(10)
                        .aggression(1.5)))))
        .exportTo(".")
        .build();

    assertThat(load("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: ratings
          namespace: bookinfo
        spec:
          host: ratings.bookinfo.svc.cluster.local
          trafficPolicy:
            connectionPool:
              tcp:
                maxConnections: 100
                connectTimeout: 30ms
                idleTimeout: 5m
              http:
                http1MaxPendingRequests: 10
                http2MaxRequests: 1000
                maxRequestsPerConnection: 10
                maxRetries: 3
                idleTimeout: 90s
                h2UpgradePolicy: UPGRADE
            outlierDetection:
              consecutive5xxErrors: 7
              consecutiveGatewayErrors: 3
              interval: 5s
              baseEjectionTime: 1.5s
              maxEjectionPercent: 50
              minHealthPercent: 20
            loadBalancer:
              consistentHash:
                httpCookie:
                  name: user
                  path: /
                  ttl: 1h
                  attributes:
                  - name: SameSite
                    value: Strict
                  - name: Secure
                ringHash:
                  minimumRingSize: 2048
            tls:
              mode: SIMPLE
              caCertificates: /etc/certs/ca.pem
              subjectAltNames:
              - ratings.bookinfo.example.com
              sni: ratings.bookinfo.example.com
            portLevelSettings:
            - port:
                number: 9443
              loadBalancer:
                consistentHash:
                  httpHeaderName: x-user
                  maglev:
                    tableSize: 65537
              tls:
                mode: MUTUAL
                clientCertificate: /etc/certs/client.pem
                privateKey: /etc/certs/client-key.pem
          subsets:
          - name: v2
            labels:
              version: v2
            trafficPolicy:
              loadBalancer:
                simple: LEAST_REQUEST
                warmup:
                  duration: 1m
                  minimumPercent: 10
                  aggression: 1.5
          exportTo:
          - "."
        """)).containsExactly(ratings);
  }

  @Test
  void theDestinationRuleJavadocExample() {
    DestinationRule reviews = DestinationRule.builder("reviews")
        .host("reviews")
        .trafficPolicy(TrafficPolicy.builder()
            .loadBalancer(LoadBalancerSettings.builder()
                .consistentHash(ConsistentHashLb.builder().httpHeaderName("end-user")))
            .outlierDetection(OutlierDetection.builder()
                .consecutive5xxErrors(5)
                .interval(Duration.ofSeconds(10))))
        .subsets(Subset.builder().name("v1").label("version", "v1"))
        .subsets(Subset.builder().name("v2").label("version", "v2"))
        .subsets(Subset.builder().name("v3").label("version", "v3"))
        .build();

    assertThat(load("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer:
              consistentHash:
                httpHeaderName: end-user
            outlierDetection:
              consecutive5xxErrors: 5
              interval: 10s
          subsets:
          - name: v1
            labels:
              version: v1
          - name: v2
            labels:
              version: v2
          - name: v3
            labels:
              version: v3
        """)).containsExactly(reviews);
  }

  @Test
  void theJavadocExamplesOfTheOtherKinds() {
    ServiceEntry ratings = ServiceEntry.builder("ratings")
        .hosts("ratings.example.com")
        .ports(ServicePort.builder().number(8080).name("http").protocol("HTTP"))
        .resolution(Resolution.STATIC)
        .endpoints(WorkloadEndpoint.builder().address("10.0.0.1").label("version", "v1"))
        .endpoints(WorkloadEndpoint.builder().address("10.0.0.2").label("version", "v2"))
        .build();
    WorkloadEntry vm = WorkloadEntry.builder("ratings-vm-1")
        .spec(WorkloadEndpoint.builder()
            .address("10.0.0.7")
            .label("app", "ratings")
            .label("version", "v2"))
        .build();
    Sidecar sidecar = Sidecar.builder("default")
        .egressHosts("./*", "istio-system/*")
        .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY)
        .build();
    Gateway gateway = Gateway.builder("bookinfo-gateway")
        .selector("istio", "ingressgateway")
        .servers(Server.builder().port(8080, "HTTP").hosts("*"))
        .build();

    assertThat(load("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: ratings
        spec:
          hosts:
          - ratings.example.com
          ports:
          - number: 8080
            name: http
            protocol: HTTP
          resolution: STATIC
          endpoints:
          - address: 10.0.0.1
            labels:
              version: v1
          - address: 10.0.0.2
            labels:
              version: v2
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata:
          name: ratings-vm-1
        spec:
          address: 10.0.0.7
          labels:
            app: ratings
            version: v2
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata:
          name: default
        spec:
          egress:
          - hosts:
            - "./*"
            - "istio-system/*"
          outboundTrafficPolicy:
            mode: REGISTRY_ONLY
        """)).containsExactly(ratings, vm, sidecar);
    assertThat(sample("bookinfo/bookinfo-gateway.yaml"))
        .filteredOn(r -> r instanceof Gateway)
        .containsExactly(gateway);
  }

  @Test
  void theMeshConfigJavadocExample() {
    MeshConfig config = MeshConfig.builder()
        .add(VirtualService.builder("reviews")
            .hosts("reviews")
            .http(HttpRoute.builder().route(Destination.of("reviews", "v1"))))
        .add(DestinationRule.builder("reviews")
            .host("reviews")
            .subsets(Subset.builder().name("v1").label("version", "v1")))
        .build();

    assertThat(config.resources()).isEqualTo(load("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v1}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          subsets:
          - name: v1
            labels: {version: v1}
        """));
  }

  @Test
  void routeActionsRewritesRetriesMirrorsAndHeaders() {
    VirtualService reviews = VirtualService.builder("reviews")
        .hosts("reviews")
        .gateways("mesh")
        .http(HttpRoute.builder()
            .name("api")
            .match(HttpMatchRequest.builder()
                .name("api-v2")
                .uri(StringMatch.prefix("/api/v2"))
                .method(StringMatch.regex("GET|HEAD"))
                .queryParam("debug", StringMatch.exact("1"))
                .withoutHeader("x-legacy", StringMatch.present())
                .ignoreUriCase(true))
            .rewrite(HttpRewrite.builder().uri("/v2").authority("reviews-v2"))
            .route(HttpRouteDestination.builder()
                .destination(Destination.builder().host("reviews").subset("v2").port(9080))
                .headers(Headers.builder()
                    .request(HeaderOperations.builder().set("x-version", "v2"))))
            .timeout(Duration.ofMillis(1500))
            .retries(HttpRetry.builder()
                .attempts(3)
                .perTryTimeout(Duration.ofMillis(500))
                .retryOn("gateway-error", "connect-failure")
                .retryIgnorePreviousHosts(true))
            .mirror(Destination.of("reviews", "v3"))
            .mirrorPercentage(10)
            .headers(Headers.builder()
                .response(HeaderOperations.builder().add("x-served-by", "mesh4j")
                    .remove("x-internal"))))
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().uri(StringMatch.exact("/old")))
            .redirect(HttpRedirect.builder().uri("/new").redirectCode(308)))
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().uri(StringMatch.exact("/health")))
            .directResponse(HttpDirectResponse.builder()
                .status(200).bodyString("ok")))
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().uri(StringMatch.prefix("/admin")))
            .delegate(Delegate.builder().name("reviews-admin").namespace("ops")))
        .http(HttpRoute.builder()
            .route(Destination.of("reviews", "v1")))
        .exportTo("*")
        .build();

    assertThat(load("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          gateways: [mesh]
          http:
          - name: api
            match:
            - name: api-v2
              uri: {prefix: /api/v2}
              method: {regex: "GET|HEAD"}
              queryParams:
                debug: {exact: "1"}
              withoutHeaders:
                x-legacy: {}
              ignoreUriCase: true
            rewrite:
              uri: /v2
              authority: reviews-v2
            route:
            - destination:
                host: reviews
                subset: v2
                port: {number: 9080}
              headers:
                request:
                  set: {x-version: v2}
            timeout: 1.5s
            retries:
              attempts: 3
              perTryTimeout: 500ms
              retryOn: gateway-error,connect-failure
              retryIgnorePreviousHosts: true
            mirror: {host: reviews, subset: v3}
            mirrorPercentage: {value: 10}
            headers:
              response:
                add: {x-served-by: mesh4j}
                remove: [x-internal]
          - match:
            - uri: {exact: /old}
            redirect:
              uri: /new
              redirectCode: 308
          - match:
            - uri: {exact: /health}
            directResponse:
              status: 200
              body: {string: ok}
          - match:
            - uri: {prefix: /admin}
            delegate: {name: reviews-admin, namespace: ops}
          - route:
            - destination: {host: reviews, subset: v1}
          exportTo: ["*"]
        """)).containsExactly(reviews);
  }

  @Test
  void zeroEmptyAndUpperCaseHeaderNamesReadAsIstioReadsThem() {
    MeshConfig config = MeshConfig.builder()
        .add(VirtualService.builder("reviews")
            .hosts("reviews")
            .http(HttpRoute.builder()
                .match(HttpMatchRequest.builder()
                    .uri(StringMatch.present())
                    .port(0)
                    .sourceNamespace("")
                    .header("End-User", StringMatch.exact("jason")))
                .route(HttpRouteDestination.builder()
                    .destination(Destination.builder().host("reviews").subset(""))
                    .headers(Headers.builder()
                        .request(HeaderOperations.builder().set("X-Set", "1"))))
                .rewrite(HttpRewrite.builder().uri("").authority("reviews.internal"))
                .retries(HttpRetry.builder().attempts(2).retryOn(""))
                .headers(Headers.builder()
                    .response(HeaderOperations.builder().remove("X-Remove"))))
            .http(HttpRoute.builder()
                .match(HttpMatchRequest.builder().uri(StringMatch.prefix("/moved")))
                .redirect(HttpRedirect.builder()
                    .uri("").authority("b.example.com").port(0).redirectCode(0).scheme("")))
            .http(HttpRoute.builder()
                .match(HttpMatchRequest.builder().uri(StringMatch.prefix("/delegated")))
                .delegate(Delegate.builder().name("reviews-delegate").namespace(""))))
        .add(DestinationRule.builder("reviews")
            .host("reviews")
            .trafficPolicy(TrafficPolicy.builder()
                .connectionPool(ConnectionPoolSettings.builder()
                    .tcp(ConnectionPoolSettings.Tcp.builder().maxConnections(0))
                    .http(ConnectionPoolSettings.Http.builder()
                        .http1MaxPendingRequests(0)
                        .http2MaxRequests(0)
                        .maxRequestsPerConnection(0)
                        .maxRetries(0)
                        .maxConcurrentStreams(0)))
                .loadBalancer(LoadBalancerSettings.builder()
                    .consistentHash(ConsistentHashLb.builder()
                        .httpHeaderName("x-user")
                        .ringHash(0)))
                .tls(ClientTlsSettings.builder()
                    .mode(TlsMode.SIMPLE)
                    .caCertificates("")
                    .credentialName("")
                    .sni(""))))
        .add(ServiceEntry.builder("ratings")
            .hosts("ratings.example.com")
            .ports(ServicePort.builder().number(8080).name("http").protocol("HTTP").targetPort(0))
            .resolution(Resolution.STATIC)
            .endpoints(WorkloadEndpoint.builder().address("10.0.0.1").weight(0)))
        .build();

    assertThat(config.resources()).isEqualTo(load("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          http:
          - match:
            - uri: {}
              port: 0
              sourceNamespace: ""
              headers:
                End-User: {exact: jason}
            route:
            - destination: {host: reviews, subset: ""}
              headers:
                request:
                  set: {X-Set: "1"}
            rewrite: {uri: "", authority: reviews.internal}
            retries: {attempts: 2, retryOn: ""}
            headers:
              response:
                remove: [X-Remove]
          - match:
            - uri: {prefix: /moved}
            redirect: {uri: "", authority: b.example.com, port: 0, redirectCode: 0, scheme: ""}
          - match:
            - uri: {prefix: /delegated}
            delegate: {name: reviews-delegate, namespace: ""}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          trafficPolicy:
            connectionPool:
              tcp: {maxConnections: 0}
              http:
                http1MaxPendingRequests: 0
                http2MaxRequests: 0
                maxRequestsPerConnection: 0
                maxRetries: 0
                maxConcurrentStreams: 0
            loadBalancer:
              consistentHash:
                httpHeaderName: x-user
                ringHash: {minimumRingSize: 0}
            tls: {mode: SIMPLE, caCertificates: "", credentialName: "", sni: ""}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: ratings
        spec:
          hosts: [ratings.example.com]
          ports:
          - {number: 8080, name: http, protocol: HTTP, targetPort: 0}
          resolution: STATIC
          endpoints:
          - {address: 10.0.0.1, weight: 0}
        """));
  }

  /** The resources of a corpus file, loaded with no default namespace, origins normalized. */
  private static List<IstioResource> sample(String file) {
    try {
      Path path = Path.of(BuildersMatchYamlTest.class.getResource("/istio-samples/" + file).toURI());
      return programmatic(ConfigLoader.load(List.of(ConfigSource.file(path)), ""));
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** The resources of a YAML text, loaded with no default namespace, origins normalized. */
  private static List<IstioResource> load(String yaml) {
    return programmatic(ConfigLoader.load(List.of(ConfigSource.yaml("test.yaml", yaml)), ""));
  }

  /**
   * The resources as if built in code: with origin {@link ConfigOrigin#PROGRAMMATIC} instead of
   * the file they were read from (rebuilt with the records' constructors, not the builders).
   */
  private static List<IstioResource> programmatic(MeshConfig config) {
    return config.resources().stream().map(BuildersMatchYamlTest::programmatic).toList();
  }

  private static IstioResource programmatic(IstioResource r) {
    ObjectMeta m = r.metadata();
    ObjectMeta p = new ObjectMeta(m.name(), m.namespace(), m.labels(), m.annotations(),
        m.creationTimestamp(), ConfigOrigin.PROGRAMMATIC);
    if (r instanceof VirtualService v) {
      return new VirtualService(p, v.hosts(), v.gateways(), v.http(), v.tls(), v.tcp(), v.exportTo());
    }
    if (r instanceof DestinationRule d) {
      return new DestinationRule(p, d.host(), d.trafficPolicy(), d.subsets(), d.exportTo(),
          d.workloadSelector());
    }
    if (r instanceof ServiceEntry s) {
      return new ServiceEntry(p, s.hosts(), s.addresses(), s.ports(), s.location(),
          s.resolution(), s.endpoints(), s.workloadSelector(), s.exportTo(), s.subjectAltNames());
    }
    if (r instanceof WorkloadEntry w) {
      return new WorkloadEntry(p, w.spec());
    }
    if (r instanceof Sidecar s) {
      return new Sidecar(p, s.workloadSelector(), s.egressHosts(), s.outboundTrafficPolicy());
    }
    Gateway g = (Gateway) r;
    return new Gateway(p, g.selector(), g.servers());
  }
}
