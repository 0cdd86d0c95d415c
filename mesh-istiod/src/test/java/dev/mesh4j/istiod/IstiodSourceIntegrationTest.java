package dev.mesh4j.istiod;

import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.istiod.testing.TestIstiod;
import static dev.mesh4j.istiod.internal.AdsClient.CDS;
import static dev.mesh4j.istiod.internal.AdsClient.EDS;
import static dev.mesh4j.istiod.internal.AdsClient.LDS;
import static dev.mesh4j.istiod.internal.AdsClient.RDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.TestSource;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The istiod source against an in-process ADS server ({@link TestIstiod}) serving what istiod's
 * gRPC generator makes of bookinfo's manifests ({@link GrpcGen}): what it asks for, what it
 * acknowledges and rejects, and that no request fails while configuration changes, a resource is
 * rejected or the stream breaks.
 */
class IstiodSourceIntegrationTest {
  static final String ALL = "bookinfo/destination-rule-all.yaml";

  BookinfoPods pods;
  TestIstiod istiod;
  ManagedChannel channel;

  @BeforeEach
  void start() {
    pods = new BookinfoPods();
    istiod = TestIstiod.start();
    channel = istiod.channel();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    istiod.close();
    pods.close();
  }

  GrpcGen.Resources generate(String... files) {
    return new GrpcGen(BookinfoPods.config(List.of(files)), pods.services, "default", Map.of("app", "productpage"))
        .generate();
  }

  Mesh.Builder mesh() {
    return Mesh.builder().namespace("default").workloadName("productpage-v1-abc").workloadLabel("app", "productpage")
        .workloadLabel("version", "v1");
  }

  @Test
  void sendsTheNodeAProxylessClientSendsAndSubscribesListenersRoutesClustersEndpointsInOrder() throws IOException {
    istiod.push(generate(ALL, "bookinfo/virtual-service-all-v1.yaml"));
    try (Mesh mesh = mesh().source(IstiodSource.builder(channel).build()).build()) {
      assertThat(get(MeshOkHttp.newClient(mesh), "reviews", null)).isEqualTo("200 reviews-v1");
      List<DiscoveryRequest> requests = istiod.requests();
      DiscoveryRequest first = requests.get(0);
      assertThat(first.getTypeUrl()).isEqualTo(LDS);
      assertThat(first.getResourceNamesList()).as("every listener (wildcard)").isEmpty();
      assertThat(first.getNode().getId()).isEqualTo("sidecar~127.0.0.1~productpage-v1-abc.default~default.svc.cluster.local");
      var meta = first.getNode().getMetadata().getFieldsMap();
      assertThat(meta.get("GENERATOR").getStringValue()).isEqualTo("grpc");
      assertThat(meta.get("NAMESPACE").getStringValue()).isEqualTo("default");
      assertThat(meta.get("CLUSTER_ID").getStringValue()).isEqualTo("Kubernetes");
      assertThat(meta.get("LABELS").getStructValue().getFieldsMap().get("version").getStringValue()).isEqualTo("v1");

      List<String> order = requests.stream().map(DiscoveryRequest::getTypeUrl).distinct().toList();
      assertThat(order).containsExactly(LDS, RDS, CDS, EDS);
      assertThat(subscription(RDS)).contains("outbound|9080||reviews.default.svc.cluster.local");
      assertThat(subscription(CDS)).as("the clusters the routes name, not every subset")
          .contains("outbound|9080|v1|reviews.default.svc.cluster.local")
          .doesNotContain("outbound|9080|v2|reviews.default.svc.cluster.local");
      assertThat(subscription(EDS)).isEqualTo(subscription(CDS));
      for (String type : List.of(LDS, RDS, CDS, EDS)) {
        DiscoveryRequest ack = last(type);
        assertThat(ack.hasErrorDetail()).as(type).isFalse();
        assertThat(ack.getVersionInfo()).as("%s ACKs the version served", type).isEqualTo(istiod.version(type));
        assertThat(ack.getResponseNonce()).as(type).isNotEmpty();
      }
      assertThat(state(mesh)).isEqualTo(SourceStatus.State.SYNCED);
    }
  }

  @Test
  void anUpdateShiftsTrafficWithoutAFailedRequest() throws Exception {
    istiod.push(generate(ALL, "bookinfo/virtual-service-all-v1.yaml"));
    try (Mesh mesh = mesh().source(IstiodSource.builder(channel).build()).build();
        Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh), "reviews")) {
      traffic.awaitAnswers("reviews-v1", 20);
      // reviews goes to v3, a subset whose cluster the source has not subscribed to yet.
      istiod.push(generate(ALL, "bookinfo/virtual-service-reviews-v3.yaml"));
      traffic.awaitAnswers("reviews-v3", 20);
      istiod.push(generate(ALL, "bookinfo/virtual-service-reviews-v2-v3.yaml"));
      traffic.awaitAnswers("reviews-v2", 20);
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
    }
  }

  @Test
  void aRejectedRouteConfigurationIsNackedWithItsFieldAndKeepsServingWhileTheRestApplies() throws Exception {
    istiod.push(generate(ALL, "bookinfo/virtual-service-all-v1.yaml"));
    try (Mesh mesh = mesh().source(IstiodSource.builder(channel).build()).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      assertThat(get(client, "reviews", null)).isEqualTo("200 reviews-v1");
      // The next version: details to v2 (fine) and reviews routed by a header naming the cluster,
      // which mesh4j cannot apply.
      GrpcGen.Resources next = generate(ALL, "bookinfo/virtual-service-all-v1.yaml", "bookinfo/virtual-service-details-v2.yaml");
      String reviews = "outbound|9080||reviews.default.svc.cluster.local";
      Map<String, Message> routes = new LinkedHashMap<>(next.routes());
      RouteConfiguration bad = next.routes().get(reviews);
      routes.put(reviews, bad.toBuilder().setVirtualHosts(0, bad.getVirtualHosts(0).toBuilder().setRoutes(0,
          bad.getVirtualHosts(0).getRoutes(0).toBuilder().setRoute(RouteAction.newBuilder().setClusterHeader("x-cluster"))))
          .build());
      istiod.push(CDS, next.clusters());
      istiod.push(EDS, next.endpoints());
      istiod.push(RDS, routes);
      await(() -> get(client, "details", null).equals("200 details-v2"));

      DiscoveryRequest nack = istiod.nacks().get(0);
      assertThat(nack.getTypeUrl()).isEqualTo(RDS);
      assertThat(nack.getVersionInfo()).as("a NACK names the version still in force").isNotEqualTo(istiod.version(RDS));
      assertThat(nack.getErrorDetail().getMessage()).isEqualTo("RouteConfiguration " + reviews
          + " virtual_hosts[0].routes[0].route.cluster_specifier: CLUSTER_HEADER is not supported: mesh4j routes to "
          + "named clusters");
      for (int i = 0; i < 20; i++) {
        assertThat(get(client, "reviews", null)).as("the last good routes of reviews serve").isEqualTo("200 reviews-v1");
        assertThat(get(client, "details", null)).isEqualTo("200 details-v2");
      }
      // The fix arrives: the next version is ACKed and applies.
      istiod.push(RDS, next.routes());
      await(() -> !last(RDS).hasErrorDetail() && last(RDS).getVersionInfo().equals(istiod.version(RDS)));
    }
  }

  @Test
  void aBrokenStreamKeepsTheConfigurationServingAndReconnects() throws Exception {
    istiod.push(generate(ALL, "bookinfo/virtual-service-all-v1.yaml"));
    try (Mesh mesh = mesh().source(IstiodSource.builder(channel).build()).build();
        Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh), "reviews")) {
      traffic.awaitAnswers("reviews-v1", 20);
      istiod.down();
      await(() -> state(mesh) == SourceStatus.State.STALE);
      assertThat(status(mesh).message()).contains("reconnecting");
      traffic.awaitAnswers("reviews-v1", 50);
      istiod.push(generate(ALL, "bookinfo/virtual-service-reviews-v3.yaml"));
      istiod.up();
      traffic.awaitAnswers("reviews-v3", 20);
      await(() -> state(mesh) == SourceStatus.State.SYNCED);
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
    }
  }

  @Test
  void reconnectsAfterTheBackOffOnTheMeshsScheduler() throws Exception {
    FakeClock clock = new FakeClock();
    istiod.push(generate(ALL, "bookinfo/virtual-service-all-v1.yaml"));
    try (Mesh mesh = mesh().scheduler(clock).ticker(clock)
        .source(IstiodSource.builder(channel).random(() -> 0.5).build()).build()) {
      istiod.down();
      await(() -> state(mesh) == SourceStatus.State.STALE);
      istiod.up();
      int before = istiod.requests().size();
      clock.advance(Duration.ofMillis(999));
      Thread.sleep(200); // a reconnect would have sent its first request by now
      assertThat(istiod.requests()).as("no reconnect before the 1 s back-off").hasSize(before);
      clock.advance(Duration.ofMillis(1));
      await(() -> state(mesh) == SourceStatus.State.SYNCED);
      assertThat(istiod.requests().size()).isGreaterThan(before);
    }
  }

  @Test
  void newRoutesWaitForTheirClustersThenTheWarmingTimeout() throws Exception {
    FakeClock clock = new FakeClock();
    istiod.push(generate(ALL, "bookinfo/virtual-service-all-v1.yaml"));
    try (Mesh mesh = mesh().scheduler(clock).ticker(clock)
        .source(IstiodSource.builder(channel).warmingTimeout(Duration.ofSeconds(15)).build()).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      // Routes to v3 arrive, but istiod has no cluster v3 (yet).
      GrpcGen.Resources v3 = generate(ALL, "bookinfo/virtual-service-reviews-v3.yaml");
      String v3Cluster = "outbound|9080|v3|reviews.default.svc.cluster.local";
      Map<String, Message> clusters = new LinkedHashMap<>(v3.clusters());
      clusters.remove(v3Cluster);
      istiod.push(CDS, clusters);
      istiod.push(RDS, v3.routes());
      await(() -> subscription(CDS).contains(v3Cluster));
      clock.advance(Duration.ofSeconds(14));
      for (int i = 0; i < 10; i++) {
        assertThat(get(client, "reviews", null)).as("the routes in force serve while v3 warms").isEqualTo("200 reviews-v1");
      }
      clock.advance(Duration.ofSeconds(1));
      await(() -> get(client, "reviews", null).equals("503 NC "));
    }
  }

  @Test
  void fillsInFromACompanionSourceWhatIstiodsGrpcGeneratorDrops() throws Exception {
    String outlier = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            outlierDetection: {consecutive5xxErrors: 3, interval: 5s, baseEjectionTime: 1m, maxEjectionPercent: 100}
            connectionPool: {http: {http2MaxRequests: 77, http1MaxPendingRequests: 5}}
          subsets:
          - {name: v1, labels: {version: v1}}
        """;
    istiod.push(new GrpcGen(BookinfoPods.config(List.of(ALL, "bookinfo/virtual-service-all-v1.yaml"), outlier),
        pods.services, "default", Map.of()).generate());
    MeshRequest request = MeshRequest.builder("http://reviews:9080/").build();
    try (Mesh plain = mesh().source(IstiodSource.builder(channel).build()).build()) {
      String policies = plain.explain(request).policies().toString();
      assertThat(policies).as("istiod sends the request limit only").contains("77").doesNotContain("consecutive5xx");
    }
    ManagedChannel second = istiod.channel();
    try (Mesh merged = mesh().source(IstiodSource.builder(second)
        .destinationRulesFrom(TestSource.perResource("kubernetes", SourceUpdate.replaceAll().yaml("reviews.yaml", outlier).build()))
        .build()).build()) {
      String policies = merged.explain(request).policies().toString();
      assertThat(policies).contains("77").containsIgnoringCase("consecutive5xx").contains("3");
      assertThat(merged.explain(request).cluster()).isEqualTo("outbound|9080|v1|reviews.default.svc.cluster.local");
    } finally {
      second.shutdownNow();
    }
  }

  // --- helpers -------------------------------------------------------------------------------------

  static SourceStatus status(Mesh mesh) {
    return mesh.sources().stream().filter(s -> s.source().startsWith("istiod")).findFirst().orElseThrow();
  }

  static SourceStatus.State state(Mesh mesh) {
    return status(mesh).state();
  }

  List<String> subscription(String type) {
    return last(type).getResourceNamesList();
  }

  DiscoveryRequest last(String type) {
    List<DiscoveryRequest> all = istiod.requests().stream().filter(r -> r.getTypeUrl().equals(type)).toList();
    return all.get(all.size() - 1);
  }

  static String get(OkHttpClient client, String app, String user) {
    Request.Builder r = new Request.Builder().url("http://" + app + ":9080/" + app + "/0");
    if (user != null) {
      r.header("end-user", user);
    }
    try (Response response = client.newCall(r.build()).execute()) {
      String backend = response.header("x-backend");
      return response.code() + " " + (backend != null ? backend : response.header("x-mesh4j-flags", "") + " "
          + response.body().string());
    } catch (IOException e) {
      return "failed: " + e;
    }
  }

  static void await(BooleanSupplier condition) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(condition::getAsBoolean);
  }

  /** Requests in a loop on a thread of its own, counting answers by pod and failures. */
  static final class Traffic implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final List<String> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    Traffic(OkHttpClient client, String app) {
      thread = new Thread(() -> {
        // Bounded: at most 200,000 requests or until closed.
        for (int i = 0; i < 200_000 && running.get(); i++) {
          String answer = get(client, app, null);
          if (answer.startsWith("200 ")) {
            answers.computeIfAbsent(answer.substring(4), k -> new AtomicInteger()).incrementAndGet();
          } else {
            failures.incrementAndGet();
            if (samples.size() < 5) {
              samples.add(answer);
            }
          }
        }
      }, "traffic");
      thread.start();
    }

    /** Waits until {@code pod} has answered {@code n} more requests. */
    void awaitAnswers(String pod, int n) throws InterruptedException {
      int base = count(pod);
      await(() -> count(pod) >= base + n);
    }

    int count(String pod) {
      AtomicInteger c = answers.get(pod);
      return c == null ? 0 : c.get();
    }

    int failures() {
      return failures.get();
    }

    List<String> failureSamples() {
      return List.copyOf(samples);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }
}
