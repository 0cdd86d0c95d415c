package dev.mesh4j.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.ClientTlsSettings.TlsMode;
import dev.mesh4j.api.config.HttpFaultInjection.Abort;
import dev.mesh4j.api.config.HttpFaultInjection.Delay;
import dev.mesh4j.api.config.LoadBalancerSettings.Warmup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the builders of the config model behave: accumulation, reuse, defaults, Istio's "unset". */
class BuildersTest {

  @Test
  void listsAccumulateInCallOrder() {
    VirtualService vs = VirtualService.builder("reviews")
        .hosts("reviews", "reviews.prod")
        .hosts(List.of("reviews.prod.svc.cluster.local"))
        .http(HttpRoute.builder().name("first").route(Destination.of("reviews", "v1")))
        .http(HttpRoute.builder().name("second").route(Destination.of("reviews", "v2")).build())
        .build();

    assertThat(vs.hosts())
        .containsExactly("reviews", "reviews.prod", "reviews.prod.svc.cluster.local");
    assertThat(vs.http()).extracting(HttpRoute::name).containsExactly("first", "second");
  }

  @Test
  void mapsTakeOneEntryOrAMapAndKeepOrder() {
    Subset subset = Subset.builder()
        .name("v2")
        .label("version", "v2")
        .labels(Map.of("app", "reviews"))
        .label("track", "canary")
        .build();

    assertThat(subset.labels()).containsExactly(
        Map.entry("version", "v2"), Map.entry("app", "reviews"), Map.entry("track", "canary"));
  }

  @Test
  void aBuilderBuildsAgainAfterChangesWithoutTouchingWhatItBuiltBefore() {
    DestinationRule.Builder builder = DestinationRule.builder("reviews")
        .host("reviews")
        .subsets(Subset.builder().name("v1").label("version", "v1"));
    DestinationRule first = builder.build();

    DestinationRule second = builder.subsets(Subset.builder().name("v2").label("version", "v2"))
        .namespace("prod")
        .build();

    assertThat(first.subsets()).extracting(Subset::name).containsExactly("v1");
    assertThat(first.metadata().namespace()).isEmpty();
    assertThat(second.subsets()).extracting(Subset::name).containsExactly("v1", "v2");
    assertThat(second.metadata().namespace()).isEqualTo("prod");
  }

  @Test
  void aNestedBuilderIsBuiltWhenPassed() {
    Destination.Builder destination = Destination.builder().host("reviews").subset("v1");
    HttpRoute.Builder route = HttpRoute.builder()
        .route(HttpRouteDestination.builder().destination(destination).weight(100));

    destination.subset("v2");

    assertThat(route.build().route().get(0).destination().subset()).isEqualTo("v1");
  }

  @Test
  void aResourceWithoutNamespaceHasItUnsetAndProgrammaticOrigin() {
    ServiceEntry se = ServiceEntry.builder("ratings").hosts("ratings.example.com").build();

    assertThat(se.metadata().name()).isEqualTo("ratings");
    assertThat(se.metadata().namespace()).isEqualTo(ObjectMeta.UNSET_NAMESPACE).isEmpty();
    assertThat(se.metadata().origin()).isEqualTo(ConfigOrigin.PROGRAMMATIC);
    assertThat(se.location()).isEqualTo(ServiceEntry.Location.MESH_EXTERNAL);
    assertThat(se.resolution()).isEqualTo(ServiceEntry.Resolution.NONE);
  }

  @Test
  void metadataMethodsSetEveryField() {
    Instant created = Instant.parse("2024-01-02T15:04:05Z");
    ConfigOrigin origin = new ConfigOrigin("generated-by-app", 3);

    Sidecar sidecar = Sidecar.builder("default")
        .namespace("bookinfo")
        .label("team", "reviews")
        .labels(Map.of("tier", "backend"))
        .annotation("owner", "alice")
        .annotations(Map.of("ticket", "MESH-1"))
        .creationTimestamp(created)
        .origin(origin)
        .egressHosts("./*")
        .build();

    assertThat(sidecar.metadata()).isEqualTo(new ObjectMeta("default", "bookinfo",
        Map.of("team", "reviews", "tier", "backend"), Map.of("owner", "alice", "ticket", "MESH-1"),
        created, origin));
  }

  @Test
  void metadataReplacesTheWholeMetadataAndNameRenames() {
    ObjectMeta meta = new ObjectMeta("a", "ns", Map.of("k", "v"), Map.of(), null,
        new ConfigOrigin("a.yaml", 1));

    Gateway gateway = Gateway.builder("ignored").label("dropped", "yes").metadata(meta).build();
    Gateway renamed = gateway.toBuilder().name("b").build();

    assertThat(gateway.metadata()).isEqualTo(meta);
    assertThat(renamed.metadata()).isEqualTo(new ObjectMeta("b", "ns", Map.of("k", "v"), Map.of(),
        null, new ConfigOrigin("a.yaml", 1)));
  }

  @Test
  void anyResourceCanBeMovedToANamespaceThroughItsGenericBuilder() {
    List<IstioResource> resources = List.of(
        VirtualService.builder("vs").hosts("reviews").build(),
        DestinationRule.builder("dr").host("reviews").build(),
        ServiceEntry.builder("se").hosts("a.example.com").build(),
        WorkloadEntry.builder("we").spec(WorkloadEndpoint.builder().address("10.0.0.1")).build(),
        Sidecar.builder("sc").egressHosts("./*").build(),
        Gateway.builder("gw").servers(Gateway.Server.builder().port(80, "HTTP").hosts("*")).build());

    for (IstioResource r : resources) {
      IstioResource moved = r.toBuilder().namespace("prod").build();

      assertThat(moved).as(r.kind()).isInstanceOf(r.getClass());
      assertThat(moved.metadata().namespace()).as(r.kind()).isEqualTo("prod");
      assertThat(moved.toBuilder().namespace("").build()).as(r.kind()).isEqualTo(r);
    }
  }

  @Test
  void headerNamesAreLowerCasedAsTheEngineComparesThem() {
    HttpMatchRequest match = HttpMatchRequest.builder()
        .header("End-User", StringMatch.exact("jason"))
        .headers(Map.of("X-Canary", StringMatch.present()))
        .withoutHeader("X-Debug", StringMatch.present())
        .queryParam("Mode", StringMatch.exact("A"))
        .build();
    HeaderOperations ops = HeaderOperations.builder()
        .set("X-Set", "1").add("X-Add", "2").remove("X-Remove").build();

    assertThat(match.headers()).containsOnlyKeys("end-user", "x-canary");
    assertThat(match.withoutHeaders()).containsOnlyKeys("x-debug");
    assertThat(match.queryParams()).as("query parameter names are case-sensitive")
        .containsOnlyKeys("Mode");
    assertThat(ops).isEqualTo(new HeaderOperations(Map.of("x-set", "1"), Map.of("x-add", "2"),
        List.of("x-remove")));
  }

  @Test
  void zeroAndEmptyMeanUnsetWhereIstioSaysSo() {
    HttpRedirect redirect = HttpRedirect.builder()
        .uri("").authority("").scheme("").prefixRewrite("").port(0).redirectCode(0).build();
    ConnectionPoolSettings.Http http = ConnectionPoolSettings.Http.builder()
        .http1MaxPendingRequests(0).http2MaxRequests(0).maxRequestsPerConnection(0)
        .maxRetries(0).maxConcurrentStreams(0).build();

    assertThat(redirect).isEqualTo(
        new HttpRedirect(null, null, null, null, null, null, HttpRedirect.DEFAULT_REDIRECT_CODE));
    assertThat(HttpRewrite.builder().uri("").authority("").build())
        .isEqualTo(new HttpRewrite(null, null, null));
    assertThat(Destination.builder().host("reviews").subset("").build())
        .isEqualTo(Destination.of("reviews"));
    assertThat(Delegate.builder().name("d").namespace("").build()).isEqualTo(new Delegate("d", null));
    assertThat(HttpMatchRequest.builder().uri(StringMatch.present()).port(0).sourceNamespace("")
        .build())
        .isEqualTo(HttpMatchRequest.builder().build());
    assertThat(HttpRetry.builder().attempts(3).retryOn().build().retryOn()).isNull();
    assertThat(http).isEqualTo(ConnectionPoolSettings.Http.builder().build());
    assertThat(ConnectionPoolSettings.Tcp.builder().maxConnections(0).build().maxConnections())
        .isNull();
    assertThat(ServicePort.builder().targetPort(0).build().targetPort()).isNull();
    assertThat(WorkloadEndpoint.builder().weight(0).build().weight()).isNull();
    assertThat(ConsistentHashLb.builder().ringHash(0).build().ringHashMinimumRingSize())
        .isEqualTo(ConsistentHashLb.DEFAULT_MINIMUM_RING_SIZE);
    assertThat(ClientTlsSettings.builder().clientCertificate("").privateKey("")
        .caCertificates("").credentialName("").sni("").build())
        .isEqualTo(ClientTlsSettings.builder().build());
  }

  @Test
  void defaultsAreIstiosForFieldsLeftUnset() {
    assertThat(HttpRedirect.builder().build().redirectCode()).isEqualTo(301);
    assertThat(HttpMirrorPolicy.builder().destination(Destination.of("shadow")).build()
        .percentage()).isEqualTo(100);
    assertThat(Delay.builder().fixedDelay(Duration.ofSeconds(1)).build().percentage()).isZero();
    assertThat(Abort.builder().httpStatus(503).build().percentage()).isZero();
    assertThat(ClientTlsSettings.builder().build().mode()).isEqualTo(TlsMode.DISABLE);
    assertThat(HttpRetry.builder().build().attempts()).isZero();
    assertThat(StringMatch.builder().build()).isEqualTo(StringMatch.present());
    assertThat(HttpRoute.builder().build().headers()).isSameAs(Headers.NONE);
  }

  @Test
  void mirrorAndMirrorPercentageAreOneMirrorBeforeTheMirrorsList() {
    HttpRoute route = HttpRoute.builder()
        .route(Destination.of("reviews"))
        .mirrors(HttpMirrorPolicy.builder().destination(Destination.of("audit")).percentage(5))
        .mirror(Destination.builder().host("shadow").subset("v2"))
        .mirrorPercentage(25)
        .build();

    assertThat(route.mirrors()).containsExactly(
        new HttpMirrorPolicy(Destination.of("shadow", "v2"), 25),
        new HttpMirrorPolicy(Destination.of("audit"), 5));
    assertThat(HttpRoute.builder().mirror(Destination.of("shadow")).build().mirrors())
        .containsExactly(new HttpMirrorPolicy(Destination.of("shadow"), 100));
    assertThat(HttpRoute.builder().mirrorPercentage(50).build().mirrors())
        .as("as in Istio, mirrorPercentage without mirror mirrors nothing").isEmpty();
  }

  @Test
  void routeShorthandsAreTheLongForm() {
    HttpRoute shorthand = HttpRoute.builder()
        .route(Destination.of("reviews", "v1"), 80)
        .route(Destination.of("reviews", "v2"))
        .build();
    HttpRoute longForm = HttpRoute.builder()
        .route(HttpRouteDestination.builder()
            .destination(Destination.builder().host("reviews").subset("v1"))
            .weight(80))
        .route(HttpRouteDestination.builder()
            .destination(Destination.builder().host("reviews").subset("v2")))
        .build();

    assertThat(shorthand).isEqualTo(longForm);
  }

  @Test
  void retryConditionsAreJoinedWithCommasAsIstioWritesThem() {
    assertThat(HttpRetry.builder().retryOn("gateway-error", "connect-failure").build().retryOn())
        .isEqualTo("gateway-error,connect-failure");
    assertThat(HttpRetry.builder().retryOn("5xx,reset").build().retryOn()).isEqualTo("5xx,reset");
  }

  @Test
  void directResponseBodiesAreTextOrBytes() {
    byte[] bytes = {0, 1, 2, (byte) 0xff};

    HttpDirectResponse text = HttpDirectResponse.builder().status(503).bodyString("busy").build();
    HttpDirectResponse binary = HttpDirectResponse.builder().status(200).bodyBytes(bytes).build();

    assertThat(text.body()).isEqualTo("busy".getBytes(StandardCharsets.UTF_8));
    assertThat(binary.bodyBase64()).isEqualTo("AAEC/w==");
    assertThat(binary.body()).isEqualTo(bytes);
  }

  @Test
  void buildersAcceptInvalidValuesForTheValidatorToReport() {
    VirtualService vs = VirtualService.builder("Not A DNS Name!")
        .namespace("Bad_Namespace")
        .hosts("*", "")
        .exportTo("~", "*")
        .http(HttpRoute.builder()
            .match(HttpMatchRequest.builder().uri(StringMatch.regex("(unclosed")).port(70000))
            .route(Destination.of("reviews", "v1"), -5)
            .route(Destination.builder().host("").port(-1).build(), 0)
            .redirect(HttpRedirect.builder().redirectCode(999).scheme("ftp"))
            .directResponse(HttpDirectResponse.builder().status(42).bodyString("both"))
            .timeout(Duration.ofSeconds(-1))
            .retries(HttpRetry.builder().attempts(-3).retryOn("not-a-condition"))
            .fault(HttpFaultInjection.builder()
                .delay(Delay.builder().fixedDelay(Duration.ofMillis(-5)).percentage(150))
                .abort(Abort.builder().httpStatus(700).grpcStatus("NOPE").percentage(-1)))
            .mirror(Destination.of("shadow"))
            .mirrors(HttpMirrorPolicy.builder().destination(Destination.of("other")).percentage(101)))
        .build();
    DestinationRule dr = DestinationRule.builder("dr")
        .trafficPolicy(TrafficPolicy.builder()
            .loadBalancer(LoadBalancerSettings.builder()
                .simple(LoadBalancerSettings.SimpleLb.RANDOM)
                .consistentHash(ConsistentHashLb.builder().httpHeaderName("a").useSourceIp(true)
                    .ringHash(-1).maglev(4))
                .warmup(Warmup.builder().duration(Duration.ZERO).minimumPercent(200).aggression(-1)))
            .outlierDetection(OutlierDetection.builder().maxEjectionPercent(300)
                .consecutive5xxErrors(-2))
            .connectionPool(ConnectionPoolSettings.builder()
                .tcp(ConnectionPoolSettings.Tcp.builder().maxConnections(-1))
                .http(ConnectionPoolSettings.Http.builder().h2UpgradePolicy("SOMETIMES")))
            .tls(ClientTlsSettings.builder().mode(TlsMode.MUTUAL)))
        .subsets(Subset.builder(), Subset.builder())
        .build();

    HttpRoute route = vs.http().get(0);
    assertThat(route.route()).extracting(HttpRouteDestination::weight).containsExactly(-5, 0);
    assertThat(route.match().get(0).port()).isEqualTo(70000);
    assertThat(route.timeout()).isNegative();
    assertThat(route.retries().attempts()).isEqualTo(-3);
    assertThat(route.fault().delay().percentage()).isEqualTo(150);
    assertThat(route.redirect().redirectCode()).isEqualTo(999);
    assertThat(route.mirrors()).hasSize(2);
    assertThat(vs.metadata().name()).isEqualTo("Not A DNS Name!");
    assertThat(dr.host()).as("a required string left unset is empty").isEmpty();
    assertThat(dr.subsets()).extracting(Subset::name).containsExactly("", "");
    assertThat(dr.trafficPolicy().loadBalancer().consistentHash().maglevTableSize()).isEqualTo(4);
    assertThat(dr.trafficPolicy().connectionPool().tcp().maxConnections()).isEqualTo(-1);
  }

  @Test
  void aRequiredValueThatIsNotAStringMustBeSet() {
    assertThatThrownBy(() -> HttpRouteDestination.builder().weight(100).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("HttpRouteDestination.destination is not set");
    assertThatThrownBy(() -> HttpMirrorPolicy.builder().build())
        .hasMessage("HttpMirrorPolicy.destination is not set");
    assertThatThrownBy(() -> Delay.builder().percentage(100).build())
        .hasMessage("Delay.fixedDelay is not set");
    assertThatThrownBy(() -> Warmup.builder().build()).hasMessage("Warmup.duration is not set");
    assertThatThrownBy(() -> WorkloadEntry.builder("vm").build())
        .hasMessage("WorkloadEntry.spec is not set");
  }

  @Test
  void meshConfigKeepsResourcesInTheOrderAdded() {
    VirtualService vs = VirtualService.builder("reviews").hosts("reviews").build();
    DestinationRule dr = DestinationRule.builder("reviews").host("reviews").build();
    ConfigProblem warning = new ConfigProblem(ConfigProblem.Severity.WARNING,
        ConfigOrigin.PROGRAMMATIC, "spec", "note");

    MeshConfig config = MeshConfig.builder()
        .add(vs)
        .add(ServiceEntry.builder("ratings").hosts("ratings.example.com"),
            Sidecar.builder("default").egressHosts("./*"))
        .addAll(List.of(dr))
        .warning(warning)
        .build();

    assertThat(config.resources()).extracting(IstioResource::kind)
        .containsExactly("VirtualService", "ServiceEntry", "Sidecar", "DestinationRule");
    assertThat(config.all(DestinationRule.class)).containsExactly(dr);
    assertThat(config.warnings()).containsExactly(warning);
    assertThat(config.toBuilder().build()).isEqualTo(config);
    assertThat(MeshConfig.builder().build()).isEqualTo(MeshConfig.EMPTY);
  }
}
