package dev.mesh4j.kubernetes;

import static dev.mesh4j.kubernetes.TestCluster.SliceEndpoint.ready;
import static dev.mesh4j.kubernetes.TestCluster.SliceEndpoint.terminating;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.internal.runtime.SystemScheduler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link KubernetesSource} delivers from a real API server (fabric8's, in CRUD mode, over
 * HTTP and WebSocket watches): the initial state, changes after the debounce, and what it does
 * when the server goes away, comes back, or expires its watches.
 */
class KubernetesSourceTest {
  private static final ResourceKey REVIEWS_VS = new ResourceKey("VirtualService", "default", "reviews");
  private static final ResourceKey REVIEWS_DR = new ResourceKey("DestinationRule", "default", "reviews");
  private static final String REVIEWS_HOST = "reviews.default.svc.cluster.local";

  private static final String VS_V1 = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
      """;
  private static final String DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
        - {name: v3, labels: {version: v3}}
      """;

  private final SystemScheduler scheduler = new SystemScheduler("test-scheduler");
  private TestCluster cluster;
  private KubernetesSource source;

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    scheduler.close();
  }

  private RecordingSourceContext context() {
    return new RecordingSourceContext(Workload.builder().namespace("default").build(), scheduler, Ticker.system());
  }

  private void reviews(String... versions) {
    cluster.put(TestCluster.service("default", "reviews", 9080, "http", "http-server"));
    List<TestCluster.SliceEndpoint> endpoints = new java.util.ArrayList<>();
    int i = 1;
    for (String v : versions) {
      cluster.put(TestCluster.pod("default", "reviews-" + v, "10.0.0." + i, "bookinfo-reviews",
          Map.of("app", "reviews", "version", v)));
      endpoints.add(ready("reviews-" + v, "10.0.0." + i));
      i++;
    }
    cluster.put(TestCluster.slice("default", "reviews-abc", "reviews", "http", 9080, endpoints));
  }

  private RecordingSourceContext startSynced(KubernetesSource s) throws InterruptedException {
    source = s;
    RecordingSourceContext context = context();
    source.start(context);
    assertThat(context.synced.await(20, TimeUnit.SECONDS)).as("synced").isTrue();
    cluster.awaitOpenWatches(source.watches());
    return context;
  }

  @Test
  void initialStateIsOneFullUpdateOfResourcesAndServices() throws Exception {
    cluster = TestCluster.create();
    reviews("v1", "v2", "v3");
    cluster.apply(VS_V1 + "---\n" + DR);

    RecordingSourceContext context = startSynced(KubernetesSource.of(cluster.newClient()));

    SourceUpdate first = context.updates().get(0);
    assertThat(first.isFull()).isTrue();
    assertThat(context.resources()).containsOnlyKeys(REVIEWS_VS, REVIEWS_DR);
    assertThat(context.resources().get(REVIEWS_VS)).contains("\"apiVersion\":\"networking.istio.io/v1\"")
        .contains("\"subset\":\"v1\"");
    ServiceEndpoints reviews = context.services().get(REVIEWS_HOST);
    assertThat(reviews.namespace()).isEqualTo("default");
    assertThat(reviews.ports()).singleElement().satisfies(p -> {
      assertThat(p.number()).isEqualTo(9080);
      assertThat(p.protocol()).isEqualTo("HTTP");
      assertThat(p.name()).isEqualTo("http");
      assertThat(p.targetPort()).as("a named targetPort resolves through the slice").isNull();
    });
    assertThat(reviews.endpoints(9080)).extracting(Endpoint::hostPort)
        .containsExactly("10.0.0.1:9080", "10.0.0.2:9080", "10.0.0.3:9080");
    Endpoint v2 = reviews.endpoints(9080).get(1);
    assertThat(v2.labels()).containsEntry("version", "v2").containsEntry("app", "reviews")
        .containsEntry("topology.kubernetes.io/zone", "zone-a").containsEntry("kubernetes.io/hostname", "node-1")
        .containsEntry("topology.istio.io/cluster", "Kubernetes");
    assertThat(v2.principal()).isEqualTo("spiffe://cluster.local/ns/default/sa/bookinfo-reviews");
    assertThat(context.state()).isEqualTo(SourceStatus.State.SYNCED);
    assertThat(source.watches()).as("one per kind, whatever the number of services").isEqualTo(10);
  }

  @Test
  void aChangedResourceIsDeliveredAloneAfterTheDebounce() throws Exception {
    cluster = TestCluster.create();
    reviews("v1", "v2");
    cluster.apply(VS_V1);
    RecordingSourceContext context = startSynced(KubernetesSource.of(cluster.newClient()));
    int before = context.updates().size();

    cluster.apply(VS_V1.replace("subset: v1", "subset: v2"));

    await().atMost(Duration.ofSeconds(10)).until(() -> context.resources().get(REVIEWS_VS).contains("\"subset\":\"v2\""));
    SourceUpdate update = context.updates().get(before);
    assertThat(update.isFull()).isFalse();
    assertThat(update.items()).singleElement().isInstanceOf(SourceUpdate.Manifest.class);

    cluster.delete(VS_V1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !context.resources().containsKey(REVIEWS_VS));
    assertThat(context.updates().get(context.updates().size() - 1).items())
        .containsExactly(new SourceUpdate.Delete(REVIEWS_VS));
  }

  @Test
  void endpointsFollowTheSliceAndTerminatingOnesDrain() throws Exception {
    cluster = TestCluster.create();
    reviews("v1", "v2", "v3");
    RecordingSourceContext context = startSynced(KubernetesSource.of(cluster.newClient()));

    // v3 scaled away: Kubernetes first marks it terminating, then removes it.
    cluster.put(TestCluster.slice("default", "reviews-abc", "reviews", "http", 9080,
        List.of(ready("reviews-v1", "10.0.0.1"), ready("reviews-v2", "10.0.0.2"), terminating("reviews-v3", "10.0.0.3"))));

    await().atMost(Duration.ofSeconds(10)).until(() -> context.services().get(REVIEWS_HOST).endpoints(9080).size() == 2);
    assertThat(context.services().get(REVIEWS_HOST).endpoints(9080)).extracting(e -> e.labels().get("version"))
        .containsExactly("v1", "v2");
    SourceUpdate last = context.updates().get(context.updates().size() - 1);
    assertThat(last.items()).as("an endpoint change carries no resources")
        .allMatch(c -> c instanceof SourceUpdate.Service);
  }

  @Test
  void aPodLabelChangeRelabelsItsEndpoints() throws Exception {
    cluster = TestCluster.create();
    reviews("v1", "v2");
    RecordingSourceContext context = startSynced(KubernetesSource.of(cluster.newClient()));

    cluster.put(TestCluster.pod("default", "reviews-v2", "10.0.0.2", "bookinfo-reviews",
        Map.of("app", "reviews", "version", "v2-canary")));

    await().atMost(Duration.ofSeconds(10)).until(() -> context.services().get(REVIEWS_HOST).endpoints(9080).get(1)
        .labels().get("version").equals("v2-canary"));
  }

  @Test
  void aDeletedServiceIsRemoved() throws Exception {
    cluster = TestCluster.create();
    reviews("v1");
    RecordingSourceContext context = startSynced(KubernetesSource.of(cluster.newClient()));

    cluster.kubectl().services().inNamespace("default").withName("reviews").delete();

    await().atMost(Duration.ofSeconds(10)).until(() -> !context.services().containsKey(REVIEWS_HOST));
    assertThat(context.updates().get(context.updates().size() - 1).items())
        .contains(new SourceUpdate.ServiceRemoval(REVIEWS_HOST, "default"));
  }

  @Test
  void aMalformedSliceFromTheApiServerNeitherStopsNorLosesLaterChanges() throws Exception {
    cluster = TestCluster.create();
    reviews("v1");
    cluster.apply(VS_V1);
    RecordingSourceContext context = startSynced(KubernetesSource.of(cluster.newClient()));

    // An API server that does not validate (or a corrupted object) serves a port and an address
    // no endpoint can have, in a slice of another service.
    cluster.put(TestCluster.service("default", "ratings", 9080, "http", "http"));
    cluster.put(TestCluster.slice("default", "ratings-bad", "ratings", "http", 70000,
        List.of(ready("ratings-a", "10.0.1.1"))));
    cluster.put(TestCluster.slice("default", "ratings-bad2", "ratings", "http", 9080,
        List.of(ready("ratings-b", ""))));
    cluster.put(TestCluster.slice("default", "ratings-ok", "ratings", "http", 9080,
        List.of(ready("ratings-c", "10.0.1.3"))));
    cluster.apply(VS_V1.replace("subset: v1", "subset: v2"));

    await().atMost(Duration.ofSeconds(10)).until(() -> context.resources().get(REVIEWS_VS).contains("\"subset\":\"v2\""));
    await().atMost(Duration.ofSeconds(10)).until(() -> context.services().containsKey("ratings.default.svc.cluster.local"));
    assertThat(context.services().get("ratings.default.svc.cluster.local").endpoints(9080))
        .as("what cannot be an endpoint is left out").extracting(Endpoint::hostPort).containsExactly("10.0.1.3:9080");

    cluster.apply(VS_V1.replace("subset: v1", "subset: v3"));
    await().atMost(Duration.ofSeconds(10)).until(() -> context.resources().get(REVIEWS_VS).contains("\"subset\":\"v3\""));
  }

  @Test
  void readsTheIstioVersionTheClusterServes() throws Exception {
    cluster = TestCluster.create("v1beta1");
    cluster.apply(VS_V1.replace("networking.istio.io/v1", "networking.istio.io/v1beta1"));

    RecordingSourceContext context = startSynced(KubernetesSource.of(cluster.newClient()));

    assertThat(context.resources().get(REVIEWS_VS)).contains("\"apiVersion\":\"networking.istio.io/v1beta1\"");
  }

  @Test
  void istiosKindsInstalledAfterTheStartAreWatchedFromThen() throws Exception {
    cluster = TestCluster.withoutIstio();
    reviews("v1", "v2");
    RecordingSourceContext context = startSynced(KubernetesSource.builder(cluster.newClient())
        .kindsRecheck(Duration.ofMillis(200)).build());
    assertThat(source.watches()).as("Services, EndpointSlices, Pods and Nodes").isEqualTo(4);
    assertThat(context.services()).containsKey(REVIEWS_HOST);

    cluster.installIstioCrds("v1");
    cluster.apply(VS_V1);

    await().atMost(Duration.ofSeconds(20)).until(() -> context.resources().containsKey(REVIEWS_VS));
    assertThat(context.resources().get(REVIEWS_VS)).contains("\"subset\":\"v1\"");
    // The CRDs are installed one by one: a recheck between two finds some, the next the rest.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(source.watches()).isEqualTo(10));
    assertThat(context.state()).isEqualTo(SourceStatus.State.SYNCED);
  }

  @Test
  void watchesOnlyTheNamespacesItIsGiven() throws Exception {
    cluster = TestCluster.create();
    reviews("v1");
    cluster.apply(VS_V1);
    cluster.apply(VS_V1.replace("name: reviews", "name: reviews\n  namespace: other"));

    RecordingSourceContext context = startSynced(KubernetesSource.builder(cluster.newClient())
        .namespaces("other", "istio-system").build());

    assertThat(context.resources()).containsOnlyKeys(new ResourceKey("VirtualService", "other", "reviews"));
    assertThat(context.services()).isEmpty();
    assertThat(source.watches()).as("nine kinds per namespace, Nodes once").isEqualTo(19);
  }

  @Test
  void apiServerRestartMarksTheSourceStaleThenWatchesAgain() throws Exception {
    cluster = TestCluster.create();
    reviews("v1", "v2");
    cluster.apply(VS_V1);
    RecordingSourceContext context = startSynced(KubernetesSource.of(cluster.newClient()));

    cluster.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> context.state() == SourceStatus.State.STALE);
    assertThat(context.messages().get(context.messages().size() - 1)).contains("reconnecting");
    assertThat(context.resources()).as("the last state keeps serving").containsKey(REVIEWS_VS);

    cluster.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> context.state() == SourceStatus.State.SYNCED);
    cluster.awaitOpenWatches(source.watches());
    cluster.apply(VS_V1.replace("subset: v1", "subset: v2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> context.resources().get(REVIEWS_VS).contains("\"subset\":\"v2\""));
  }

  @Test
  void anExpiredWatchReListsAndDeliversWhatChangedMeanwhile() throws Exception {
    cluster = TestCluster.create();
    reviews("v1", "v2");
    cluster.apply(VS_V1);
    RecordingSourceContext context = startSynced(KubernetesSource.of(cluster.newClient()));

    cluster.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> context.state() == SourceStatus.State.STALE);
    // While this client is cut off, the cluster changes; its watches then come back with a
    // resource version the server no longer serves.
    cluster.apply(VS_V1.replace("subset: v1", "subset: v2"));
    cluster.put(TestCluster.slice("default", "reviews-abc", "reviews", "http", 9080,
        List.of(ready("reviews-v1", "10.0.0.1"))));
    cluster.expireWatches();
    cluster.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> context.resources().get(REVIEWS_VS).contains("\"subset\":\"v2\"")
        && context.services().get(REVIEWS_HOST).endpoints(9080).size() == 1);
    assertThat(cluster.expiredWatches()).isPositive();
    await().atMost(Duration.ofSeconds(10)).until(() -> context.state() == SourceStatus.State.SYNCED);
  }

  @Test
  void anUnreachableApiServerIsReportedWhileStarting() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + port).withRequestRetryBackoffLimit(0).build()).build()) {
      source = KubernetesSource.of(client);
      RecordingSourceContext context = context();
      source.start(context);

      await().atMost(Duration.ofSeconds(10)).until(() -> context.messages().stream()
          .anyMatch(m -> m.contains("cannot reach the Kubernetes API at http://127.0.0.1:" + port)));
      assertThat(context.state()).isEqualTo(SourceStatus.State.STARTING);
      assertThat(context.synced.getCount()).isEqualTo(1);
    }
  }
}
