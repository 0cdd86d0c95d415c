package dev.mesh4j.istiod;

import static dev.mesh4j.istiod.internal.AdsClient.CDS;
import static dev.mesh4j.istiod.internal.AdsClient.EDS;
import static dev.mesh4j.istiod.internal.AdsClient.LDS;
import static dev.mesh4j.istiod.internal.AdsClient.RDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.observe.ConfigChange;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.istiod.IstiodSourceIntegrationTest.Traffic;
import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.istiod.testing.TestIstiod;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One istiod push is one configuration change of the mesh. istiod pushes a change as a response
 * per type under one version (CDS, EDS, LDS, RDS), then answers for the clusters and endpoints the
 * new routes name; the source gives the mesh the result once, so no request ever sees the routes
 * of one version with the clusters of another. Each configuration the mesh applies is checked as
 * it applies (a listener explains a request to reviews right then), and traffic runs throughout.
 * The mesh's scheduler is a fake clock that stays still, so nothing applies by a timer.
 */
class IstiodPushIntegrationTest {
  static final String ALL = "bookinfo/destination-rule-all.yaml";
  static final String REVIEWS = "reviews.default.svc.cluster.local";
  /** reviews' DestinationRule without subset v1, pushed with the routes that leave v1. */
  static final String REVIEWS_WITHOUT_V1 = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        subsets:
        - {name: v2, labels: {version: v2}}
        - {name: v3, labels: {version: v3}}
      """;

  BookinfoPods pods;
  TestIstiod istiod;
  ManagedChannel channel;
  final AtomicReference<Mesh> meshRef = new AtomicReference<>();
  final FakeClock clock = new FakeClock();
  /** Each configuration the istiod source applied: what a request to reviews would get under it. */
  final List<String> applied = Collections.synchronizedList(new ArrayList<>());
  final MeshListener listener = new MeshListener() {
    @Override
    public void configApplied(ConfigChange change) {
      record(change, "applied");
    }

    @Override
    public void configRejected(ConfigChange change) {
      record(change, "rejected " + change.problems());
    }

    private void record(ConfigChange change, String what) {
      Mesh mesh = meshRef.get();
      if (mesh == null || !change.source().startsWith("istiod")) {
        return;
      }
      Explanation e = mesh.explain(MeshRequest.builder("http://reviews:9080/").build());
      applied.add(what + ": " + e.outcome().kind() + " " + e.cluster() + " "
          + e.endpoints().size() + " endpoints");
    }
  };

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

  GrpcGen.Resources generate(String extra, String... files) {
    return new GrpcGen(BookinfoPods.config(List.of(files), extra), pods.services, "default",
        Map.of("app", "productpage")).generate();
  }

  Mesh mesh() {
    // The mesh's timers are a fake clock's that never moves: a push must apply by what arrives, not
    // by the bound on waiting for it.
    Mesh mesh = Mesh.builder().namespace("default").workloadName("productpage-v1-abc")
        .workloadLabel("app", "productpage").listener(listener).scheduler(clock).ticker(clock)
        .source(IstiodSource.builder(channel).build()).build();
    meshRef.set(mesh);
    return mesh;
  }

  @Test
  void aPushToASubsetNotSubscribedYetIsOneConfigChange() throws Exception {
    istiod.push(generate("", ALL, "bookinfo/virtual-service-all-v1.yaml"));
    try (Mesh mesh = mesh(); Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh), "reviews")) {
      traffic.awaitAnswers("reviews-v1", 20);
      applied.clear();

      // LDS, RDS, CDS and EDS under a new version; then the cluster and endpoints of v3, on request.
      istiod.push(generate("", ALL, "bookinfo/virtual-service-reviews-v3.yaml"));
      awaitSettled(mesh, "outbound|9080|v3|" + REVIEWS, "v3");
      traffic.awaitAnswers("reviews-v3", 20);

      assertThat(applied).as("configurations applied for one push")
          .containsExactly("applied: FORWARD outbound|9080|v3|" + REVIEWS + " 1 endpoints");
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
    }
  }

  @Test
  void aPushThatMovesRoutesAndRemovesTheSubsetTheyLeftIsOneConfigChangeAndNoRequestSeesHalfOfIt()
      throws Exception {
    istiod.push(generate("", ALL, "bookinfo/virtual-service-all-v1.yaml"));
    try (Mesh mesh = mesh(); Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh), "reviews")) {
      traffic.awaitAnswers("reviews-v1", 20);
      applied.clear();

      // One push: reviews' routes go to v3 and subset v1 is gone. CDS comes first, without v1.
      istiod.push(generate(REVIEWS_WITHOUT_V1, ALL, "bookinfo/virtual-service-reviews-v3.yaml"));
      awaitSettled(mesh, "outbound|9080|v3|" + REVIEWS, "v3");
      traffic.awaitAnswers("reviews-v3", 20);

      assertThat(applied).as("every configuration applied, as a request saw it")
          .containsExactly("applied: FORWARD outbound|9080|v3|" + REVIEWS + " 1 endpoints");
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();

      // And back: v1 returns with the routes to it, again as one change.
      applied.clear();
      istiod.push(generate("", ALL, "bookinfo/virtual-service-all-v1.yaml"));
      awaitSettled(mesh, "outbound|9080|v1|" + REVIEWS, "v1");
      traffic.awaitAnswers("reviews-v1", 20);
      assertThat(applied).containsExactly("applied: FORWARD outbound|9080|v1|" + REVIEWS + " 1 endpoints");
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
    }
  }

  @Test
  void anEndpointOnlyPushKeepsTheVersionAndAppliesAtOnce() throws Exception {
    istiod.push(generate("", ALL, "bookinfo/virtual-service-all-v1.yaml"));
    try (Mesh mesh = mesh()) {
      String version = istiod.version(EDS);
      applied.clear();
      // An incremental EDS push (same version, as istiod's): reviews v1's endpoint list changes.
      GrpcGen.Resources next = generate("", ALL, "bookinfo/virtual-service-all-v1.yaml");
      var endpoints = new java.util.LinkedHashMap<String, com.google.protobuf.Message>(next.endpoints());
      String v1 = "outbound|9080|v1|" + REVIEWS;
      endpoints.put(v1, next.endpoints().get(v1).toBuilder().clearEndpoints().build());
      istiod.push(EDS, endpoints);
      assertThat(istiod.version(EDS)).isEqualTo(version);
      Awaitility.await().atMost(Duration.ofSeconds(20))
          .until(() -> mesh.explain(MeshRequest.builder("http://reviews:9080/").build()).endpoints().isEmpty());
    }
  }

  /**
   * Waits until reviews routes to {@code cluster}, its DestinationRule has only the subsets the
   * routes need ({@code subset}: the source no longer subscribes to the others) and every type is
   * ACKed at the version istiod serves: nothing of the push is left to apply.
   */
  void awaitSettled(Mesh mesh, String cluster, String subset) {
    Awaitility.await("the push applied and acknowledged").atMost(Duration.ofSeconds(20)).until(() -> {
      Explanation e = mesh.explain(MeshRequest.builder("http://reviews:9080/").build());
      DestinationRule dr = mesh.config().resources().stream().filter(DestinationRule.class::isInstance)
          .map(DestinationRule.class::cast).filter(d -> d.host().equals(REVIEWS)).findFirst().orElse(null);
      return cluster.equals(e.cluster()) && dr != null
          && dr.subsets().stream().map(Subset::name).toList().equals(List.of(subset)) && acked();
    });
  }

  boolean acked() {
    for (String type : List.of(LDS, RDS, CDS, EDS)) {
      List<DiscoveryRequest> all = istiod.requests().stream().filter(r -> r.getTypeUrl().equals(type)).toList();
      DiscoveryRequest last = all.get(all.size() - 1);
      if (last.hasErrorDetail() || !last.getVersionInfo().equals(istiod.version(type))) {
        return false;
      }
    }
    return true;
  }
}
