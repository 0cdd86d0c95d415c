package dev.mesh4j.kubernetes;

import static dev.mesh4j.kubernetes.TestCluster.SliceEndpoint.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.internal.runtime.SystemScheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Endpoint localities from a real API server's Nodes, as istiod's {@code getPodLocality} gives
 * them: the Pod's {@code istio-locality} label, else its Node's region, zone and subzone labels; a
 * Node relabelled moves its endpoints; a client that may not list Nodes works on without them.
 */
class KubernetesLocalityTest {
  private static final String REVIEWS_HOST = "reviews.default.svc.cluster.local";

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

  /**
   * reviews-v1 on node a (r1/z1/s1), reviews-v2 on node b (r1/z2), reviews-v3 on node c (r2/z3)
   * but labelled {@code istio-locality: r9.z9}.
   */
  private void threeNodes() {
    cluster.put(TestCluster.node("node-a", Map.of("topology.kubernetes.io/region", "r1",
        "topology.kubernetes.io/zone", "z1", "topology.istio.io/subzone", "s1")));
    cluster.put(TestCluster.node("node-b", "r1", "z2"));
    // The deprecated labels, as on clusters from before Kubernetes 1.17.
    cluster.put(TestCluster.node("node-c", Map.of("failure-domain.beta.kubernetes.io/region", "r2",
        "failure-domain.beta.kubernetes.io/zone", "z3")));
    cluster.put(TestCluster.service("default", "reviews", 9080, "http", 9080));
    cluster.put(TestCluster.pod("default", "reviews-v1", "10.0.0.1", "reviews", Map.of("app", "reviews")));
    cluster.put(TestCluster.pod("default", "reviews-v2", "10.0.0.2", "reviews", Map.of("app", "reviews")));
    cluster.put(TestCluster.pod("default", "reviews-v3", "10.0.0.3", "reviews",
        Map.of("app", "reviews", "istio-locality", "r9.z9")));
    cluster.put(TestCluster.slice("default", "reviews-abc", "reviews", "http", 9080, List.of(
        ready("reviews-v1", "10.0.0.1").on("node-a", "z1"),
        ready("reviews-v2", "10.0.0.2").on("node-b", "z2"),
        ready("reviews-v3", "10.0.0.3").on("node-c", "z3"))));
  }

  private RecordingSourceContext startSynced() throws InterruptedException {
    source = KubernetesSource.builder(cluster.newClient()).debounce(Duration.ofMillis(20), Duration.ofSeconds(1))
        .build();
    RecordingSourceContext context = new RecordingSourceContext(Workload.builder().namespace("default").build(),
        scheduler, Ticker.system());
    source.start(context);
    assertThat(context.synced.await(20, TimeUnit.SECONDS)).as("synced").isTrue();
    cluster.awaitOpenWatches(source.watches());
    return context;
  }

  private static Map<String, Endpoint> byPod(ServiceEndpoints service) {
    Map<String, Endpoint> out = new HashMap<>();
    for (Endpoint e : service.endpoints(9080)) {
      out.put(e.address(), e);
    }
    return Map.of("v1", out.get("10.0.0.1"), "v2", out.get("10.0.0.2"), "v3", out.get("10.0.0.3"));
  }

  @Test
  void endpointsTakeTheirNodesLocalityUnlessThePodOverridesIt() throws Exception {
    cluster = TestCluster.create();
    threeNodes();

    RecordingSourceContext context = startSynced();

    Map<String, Endpoint> e = byPod(context.services().get(REVIEWS_HOST));
    assertThat(e.get("v1").locality()).isEqualTo("r1/z1/s1");
    assertThat(e.get("v1").labels()).containsEntry("topology.kubernetes.io/region", "r1")
        .containsEntry("topology.kubernetes.io/zone", "z1").containsEntry("topology.istio.io/subzone", "s1")
        .containsEntry("kubernetes.io/hostname", "node-a");
    assertThat(e.get("v2").locality()).isEqualTo("r1/z2/");
    assertThat(e.get("v2").labels()).containsEntry("topology.kubernetes.io/region", "r1")
        .doesNotContainKey("topology.istio.io/subzone");
    assertThat(e.get("v3").locality()).as("the Pod's istio-locality wins over its node").isEqualTo("r9/z9");
    assertThat(e.get("v3").labels()).containsEntry("topology.kubernetes.io/region", "r9")
        .containsEntry("topology.kubernetes.io/zone", "z9");
    assertThat(source.watches()).as("nine kinds and the Nodes").isEqualTo(10);
    assertThat(source.nodesForbidden()).isFalse();
  }

  @Test
  void aRelabelledNodeMovesItsEndpointsInAnEndpointOnlyUpdate() throws Exception {
    cluster = TestCluster.create();
    threeNodes();
    RecordingSourceContext context = startSynced();
    int before = context.updates().size();

    cluster.put(TestCluster.node("node-b", "r2", "z2b"));

    await().atMost(Duration.ofSeconds(10))
        .until(() -> "r2/z2b/".equals(byPod(context.services().get(REVIEWS_HOST)).get("v2").locality()));
    List<SourceUpdate> after = context.updates().subList(before, context.updates().size());
    assertThat(after).allSatisfy(u -> {
      assertThat(u.isFull()).isFalse();
      assertThat(u.items()).as("the service's endpoints, no Istio resource").allMatch(c -> c instanceof SourceUpdate.Service);
    });
    Map<String, Endpoint> e = byPod(context.services().get(REVIEWS_HOST));
    assertThat(e.get("v2").labels()).containsEntry("topology.kubernetes.io/region", "r2")
        .containsEntry("topology.kubernetes.io/zone", "z2b");
    assertThat(e.get("v1").locality()).as("other nodes' endpoints unchanged").isEqualTo("r1/z1/s1");

    // A change of a node that is not about its locality delivers nothing.
    int quiet = context.updates().size();
    cluster.put(TestCluster.node("node-a", Map.of("topology.kubernetes.io/region", "r1",
        "topology.kubernetes.io/zone", "z1", "topology.istio.io/subzone", "s1", "team", "blue")));
    cluster.put(TestCluster.node("node-b", "r2", "z2"));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> "r2/z2/".equals(byPod(context.services().get(REVIEWS_HOST)).get("v2").locality()));
    assertThat(context.updates().size()).as("only node-b's relabel").isEqualTo(quiet + 1);
  }

  @Test
  void withoutPermissionOnNodesEndpointsKeepTheSliceZoneAndTheSourceSaysSoOnce() throws Exception {
    cluster = TestCluster.create();
    threeNodes();
    cluster.forbid("/api/v1/nodes");

    RecordingSourceContext context = startSynced();

    assertThat(cluster.forbiddenRequests()).as("asked once, not retried").isEqualTo(1);
    assertThat(source.nodesForbidden()).isTrue();
    assertThat(context.state()).isEqualTo(SourceStatus.State.SYNCED);
    assertThat(context.messages()).filteredOn(m -> m.contains("may not list Nodes")).hasSize(1);
    Map<String, Endpoint> e = byPod(context.services().get(REVIEWS_HOST));
    assertThat(e.get("v1").locality()).isNull();
    assertThat(e.get("v1").labels()).containsEntry("topology.kubernetes.io/zone", "z1")
        .doesNotContainKey("topology.kubernetes.io/region");
    assertThat(e.get("v3").locality()).as("a Pod's own istio-locality needs no Node").isEqualTo("r9/z9");
    assertThat(source.watches()).as("the nine kinds; Nodes refused").isEqualTo(9);

    // Everything else keeps updating, and the refused Nodes never turn the source stale.
    cluster.put(TestCluster.slice("default", "reviews-abc", "reviews", "http", 9080,
        List.of(ready("reviews-v1", "10.0.0.1").on("node-a", "z1"))));
    await().atMost(Duration.ofSeconds(10)).until(() -> context.services().get(REVIEWS_HOST).endpoints(9080).size() == 1);
    // Past runs of the once-a-second monitor: the refused Nodes are no lost watch.
    await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
        .until(() -> !context.states().contains(SourceStatus.State.STALE));
    assertThat(cluster.forbiddenRequests()).isEqualTo(1);
  }

  @Test
  void aPodsOwnLocalityForTheWorkloadIsReadTheSameWay() {
    cluster = TestCluster.create();
    threeNodes();
    io.fabric8.kubernetes.client.KubernetesClient client = cluster.newClient();
    io.fabric8.kubernetes.api.model.Pod onA = new io.fabric8.kubernetes.api.model.PodBuilder(
        TestCluster.pod("default", "self", "10.0.0.9", "web", Map.of("app", "web")))
        .editSpec().withNodeName("node-a").endSpec().build();

    assertThat(KubernetesSource.podLocality(client, onA)).isEqualTo("r1/z1/s1");
    assertThat(KubernetesSource.podLocality(client, new io.fabric8.kubernetes.api.model.PodBuilder(onA)
        .editMetadata().addToLabels("istio-locality", "r9.z9").endMetadata().build())).isEqualTo("r9/z9");
    assertThat(KubernetesSource.podLocality(client, new io.fabric8.kubernetes.api.model.PodBuilder(onA)
        .editSpec().withNodeName("node-gone").endSpec().build())).isNull();

    cluster.forbid("/api/v1/nodes");
    assertThat(KubernetesSource.podLocality(client, onA)).as("403: none, logged").isNull();
  }

}
