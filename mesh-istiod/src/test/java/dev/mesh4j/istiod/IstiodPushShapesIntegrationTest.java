package dev.mesh4j.istiod;

import static dev.mesh4j.istiod.internal.AdsClient.CDS;
import static dev.mesh4j.istiod.internal.AdsClient.EDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.observe.ConfigChange;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.istiod.IstiodSourceIntegrationTest.Traffic;
import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pushes that are not istiod's CDS-EDS-LDS-RDS under one version: java-control-plane's own
 * {@link SimpleCache} serving {@link Snapshot}s with a version per type, so that a snapshot that
 * changes only clusters, only endpoints or only listeners pushes only those types, and a route to
 * a cluster the snapshot does not have yet is answered (ADS: all the names asked for, or nothing)
 * once a later snapshot has it. Each push must give the mesh exactly the one change it makes, at
 * once: the mesh's scheduler is a fake clock that never moves, so nothing may wait for the source's
 * push window or warming timeout to apply. And a server that restarts with its versions and nonces
 * starting over is taken as it is. Traffic runs throughout; no request may fail.
 */
class IstiodPushShapesIntegrationTest {
  static final String ALL = "bookinfo/destination-rule-all.yaml";
  static final String REVIEWS = "reviews.default.svc.cluster.local";
  static final String REVIEWS_V1 = "outbound|9080|v1|" + REVIEWS;
  static final String REVIEWS_V3 = "outbound|9080|v3|" + REVIEWS;

  BookinfoPods pods;
  final SimpleCache<String> cache = new SimpleCache<>(node -> "workload");
  final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
  Server server;
  ManagedChannel channel;
  final FakeClock clock = new FakeClock();
  final AtomicReference<Mesh> meshRef = new AtomicReference<>();
  /** What a request to the app under test gets under each configuration the istiod source applied. */
  final List<String> applied = Collections.synchronizedList(new ArrayList<>());
  volatile Function<Mesh, String> probe = m -> "";

  final String name = InProcessServerBuilder.generateName();

  @BeforeEach
  void start() throws Exception {
    pods = new BookinfoPods();
    server = serveFrom(cache, requests);
    channel = InProcessChannelBuilder.forName(name).build();
  }

  /** java-control-plane's ADS server over {@code cache}, recording the requests it gets in {@code sink}. */
  Server serveFrom(SimpleCache<String> snapshots, List<DiscoveryRequest> sink) throws java.io.IOException {
    V3DiscoveryServer discovery = new V3DiscoveryServer(new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        sink.add(request);
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId, io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest request) {}
    }, snapshots);
    return InProcessServerBuilder.forName(name).addService(discovery.getAggregatedDiscoveryServiceImpl()).build()
        .start();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    pods.close();
  }

  GrpcGen.Resources generate(String... files) {
    return new GrpcGen(BookinfoPods.config(List.of(files)), pods.services, "default", Map.of("app", "productpage"))
        .generate();
  }

  /** A snapshot with each type's own version, as a control plane that versions types separately serves. */
  void serve(Map<String, Listener> listeners, String lv, GrpcGen.Resources r, String rv,
      Map<String, Cluster> clusters, String cv, Map<String, ClusterLoadAssignment> endpoints, String ev) {
    cache.setSnapshot("workload", Snapshot.create(clusters.values(), cv, endpoints.values(), ev,
        listeners.values(), lv, r.routes().values(), rv, List.of(), "1"));
  }

  void serve(GrpcGen.Resources r, String version) {
    serve(r.listeners(), version, r, version, r.clusters(), version, r.endpoints(), version);
  }

  Mesh mesh() {
    MeshListener listener = new MeshListener() {
      @Override
      public void configApplied(ConfigChange change) {
        Mesh mesh = meshRef.get();
        if (mesh != null && change.source().startsWith("istiod")) {
          applied.add(probe.apply(mesh));
        }
      }

      @Override
      public void configRejected(ConfigChange change) {
        applied.add("rejected " + change.problems());
      }
    };
    Mesh mesh = Mesh.builder().namespace("default").workloadName("productpage-v1-abc")
        .workloadLabel("app", "productpage").listener(listener).scheduler(clock).ticker(clock)
        .source(IstiodSource.builder(channel).build()).build();
    meshRef.set(mesh);
    return mesh;
  }

  static Explanation explain(Mesh mesh, String app) {
    return mesh.explain(MeshRequest.builder("http://" + app + ":9080/").build());
  }

  static String reviews(Mesh mesh) {
    Explanation e = explain(mesh, "reviews");
    return e.outcome().kind() + " " + e.cluster() + " " + e.endpoints().size() + " endpoints";
  }

  List<String> lastSubscription(String type) {
    List<DiscoveryRequest> all = requests.stream().filter(r -> r.getTypeUrl().equals(type)).toList();
    return all.isEmpty() ? List.of() : all.get(all.size() - 1).getResourceNamesList();
  }

  void await(String what, java.util.concurrent.Callable<Boolean> condition) {
    Awaitility.await(what).atMost(Duration.ofSeconds(20)).until(condition);
  }

  @Test
  void aClusterOnlyPushIsOneChangeAtOnce() throws Exception {
    GrpcGen.Resources r = generate(ALL, "bookinfo/virtual-service-all-v1.yaml");
    serve(r, "1");
    try (Mesh mesh = mesh(); Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh), "reviews")) {
      traffic.awaitAnswers("reviews-v1", 20);
      probe = m -> reviews(m) + " " + explain(m, "reviews").policies().toString().contains("77");
      applied.clear();

      // Only CDS changes: reviews v1 gets a request limit.
      Map<String, Cluster> clusters = new LinkedHashMap<>(r.clusters());
      clusters.put(REVIEWS_V1, clusters.get(REVIEWS_V1).toBuilder().setCircuitBreakers(CircuitBreakers.newBuilder()
          .addThresholds(CircuitBreakers.Thresholds.newBuilder().setMaxRequests(UInt32Value.of(77)))).build());
      serve(r.listeners(), "1", r, "1", clusters, "2", r.endpoints(), "1");

      await("the request limit applied", () -> applied.size() >= 1);
      traffic.awaitAnswers("reviews-v1", 20);
      assertThat(applied).containsExactly("FORWARD " + REVIEWS_V1 + " 1 endpoints true");
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
    }
  }

  @Test
  void anEndpointOnlyPushUnderANewVersionIsOneChangeAtOnce() throws Exception {
    GrpcGen.Resources r = generate(ALL, "bookinfo/virtual-service-all-v1.yaml");
    serve(r, "1");
    try (Mesh mesh = mesh(); Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh), "reviews")) {
      traffic.awaitAnswers("reviews-v1", 20);
      probe = IstiodPushShapesIntegrationTest::reviews;
      applied.clear();

      // Only EDS changes: the reviews-v2 pod joins reviews v1's endpoints.
      Map<String, ClusterLoadAssignment> endpoints = new LinkedHashMap<>(r.endpoints());
      ClusterLoadAssignment v1 = endpoints.get(REVIEWS_V1);
      ClusterLoadAssignment v2 = endpoints.get("outbound|9080|v2|" + REVIEWS);
      endpoints.put(REVIEWS_V1, v1.toBuilder().setEndpoints(0, v1.getEndpoints(0).toBuilder()
          .addAllLbEndpoints(v2.getEndpoints(0).getLbEndpointsList())).build());
      serve(r.listeners(), "1", r, "1", r.clusters(), "1", endpoints, "2");

      traffic.awaitAnswers("reviews-v2", 20);
      assertThat(applied).containsExactly("FORWARD " + REVIEWS_V1 + " 2 endpoints");
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
    }
  }

  @Test
  void aListenerOnlyPushIsOneChangeAtOnce() throws Exception {
    GrpcGen.Resources r = generate(ALL, "bookinfo/virtual-service-all-v1.yaml");
    serve(r, "1");
    try (Mesh mesh = mesh(); Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh), "reviews")) {
      traffic.awaitAnswers("reviews-v1", 20);
      probe = m -> explain(m, "details").virtualService() + " / " + reviews(m);
      String before = probe.apply(mesh);
      assertThat(before).startsWith("default/details.default.svc.cluster.local / ");
      applied.clear();

      // Only LDS changes: the details listener is gone (its route configuration is not pushed again).
      Map<String, Listener> listeners = new LinkedHashMap<>(r.listeners());
      assertThat(listeners.keySet().removeIf(n -> n.startsWith("details."))).isTrue();
      serve(listeners, "2", r, "1", r.clusters(), "1", r.endpoints(), "1");

      await("the listener removed", () -> applied.size() >= 1);
      traffic.awaitAnswers("reviews-v1", 20);
      assertThat(applied).containsExactly("null / FORWARD " + REVIEWS_V1 + " 1 endpoints");
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
    }
  }

  @Test
  void aServerRestartedWithVersionsStartingOverIsTakenAsItIs() throws Exception {
    GrpcGen.Resources r = generate(ALL, "bookinfo/virtual-service-all-v1.yaml");
    serve(r, "7");
    try (Mesh mesh = mesh(); Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh), "reviews")) {
      traffic.awaitAnswers("reviews-v1", 20);
      probe = IstiodPushShapesIntegrationTest::reviews;
      applied.clear();

      // The server restarts: its versions and nonces start over, lower than those the source
      // acknowledged, and meanwhile reviews has moved to v3.
      server.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      Map<String, io.envoyproxy.envoy.config.route.v3.RouteConfiguration> routes = new LinkedHashMap<>(r.routes());
      String reviewsRoutes = "outbound|9080||" + REVIEWS;
      routes.put(reviewsRoutes, generate(ALL, "bookinfo/virtual-service-reviews-v3.yaml").routes().get(reviewsRoutes));
      SimpleCache<String> restarted = new SimpleCache<>(node -> "workload");
      restarted.setSnapshot("workload", Snapshot.create(r.clusters().values(), r.endpoints().values(),
          r.listeners().values(), routes.values(), List.of(), "1"));
      List<DiscoveryRequest> afterRestart = new CopyOnWriteArrayList<>();
      server = serveFrom(restarted, afterRestart);
      // The source reconnects after its back-off, on the mesh's clock.
      Awaitility.await("a new stream").atMost(Duration.ofSeconds(20)).until(() -> {
        clock.advance(Duration.ofMillis(500));
        return !afterRestart.isEmpty();
      });

      traffic.awaitAnswers("reviews-v3", 20);
      await("every type acknowledged at the new server's version", () -> {
        for (String type : List.of(dev.mesh4j.istiod.internal.AdsClient.LDS, dev.mesh4j.istiod.internal.AdsClient.RDS,
            CDS, EDS)) {
          List<DiscoveryRequest> of = afterRestart.stream().filter(q -> q.getTypeUrl().equals(type)).toList();
          if (of.isEmpty() || !of.get(of.size() - 1).getVersionInfo().equals("1")) {
            return false;
          }
        }
        return true;
      });
      assertThat(afterRestart).as("NACKs").noneMatch(DiscoveryRequest::hasErrorDetail);
      assertThat(applied).containsExactly("FORWARD " + REVIEWS_V3 + " 1 endpoints");
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
    }
  }

  @Test
  void routesToAClusterTheServerDoesNotHaveYetApplyOnceItArrivesAsOneChange() throws Exception {
    GrpcGen.Resources r = generate(ALL, "bookinfo/virtual-service-all-v1.yaml");
    Map<String, Cluster> withoutV3 = new LinkedHashMap<>(r.clusters());
    withoutV3.remove(REVIEWS_V3);
    Map<String, ClusterLoadAssignment> endpointsWithoutV3 = new LinkedHashMap<>(r.endpoints());
    endpointsWithoutV3.remove(REVIEWS_V3);
    serve(r.listeners(), "1", r, "1", withoutV3, "1", endpointsWithoutV3, "1");
    try (Mesh mesh = mesh(); Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh), "reviews")) {
      traffic.awaitAnswers("reviews-v1", 20);
      probe = IstiodPushShapesIntegrationTest::reviews;
      applied.clear();

      // RDS first: reviews to v3, a cluster the server does not have yet (it withholds CDS meanwhile).
      // Only reviews' routes change: java-control-plane drops a CDS request that names a cluster it
      // has and one it has not, where it keeps one that names only missing ones.
      GrpcGen.Resources reviewsV3 = generate(ALL, "bookinfo/virtual-service-reviews-v3.yaml");
      Map<String, io.envoyproxy.envoy.config.route.v3.RouteConfiguration> routes = new LinkedHashMap<>(r.routes());
      String reviewsRoutes = "outbound|9080||" + REVIEWS;
      routes.put(reviewsRoutes, reviewsV3.routes().get(reviewsRoutes));
      GrpcGen.Resources v3 = new GrpcGen.Resources(r.listeners(), routes, reviewsV3.clusters(), reviewsV3.endpoints());
      serve(r.listeners(), "1", v3, "2", withoutV3, "1", endpointsWithoutV3, "1");
      await("v3 subscribed", () -> lastSubscription(CDS).contains(REVIEWS_V3));
      traffic.awaitAnswers("reviews-v1", 20);
      assertThat(applied).as("nothing applies while v3 is missing").isEmpty();

      // Then the cluster and its endpoints, each under a version of its own.
      serve(r.listeners(), "1", v3, "2", v3.clusters(), "2", v3.endpoints(), "3");
      traffic.awaitAnswers("reviews-v3", 20);
      assertThat(lastSubscription(EDS)).contains(REVIEWS_V3);
      assertThat(applied).containsExactly("FORWARD " + REVIEWS_V3 + " 1 endpoints");
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
    }
  }
}
