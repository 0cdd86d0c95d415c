package dev.mesh4j.kubernetes;

import static dev.mesh4j.kubernetes.TestCluster.SliceEndpoint.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Locality load balancing with Kubernetes as the control plane, over real HTTP: three Nodes in
 * two regions, a service's Pods on them as loopback servers, the workload in region r1, zone z1.
 * The endpoints' localities come from their Nodes; a zone that fails (its Pods not ready, or
 * answering 5xx) fails over in Istio's order — the same region's other zone, then the other
 * region — and a relabelled Node moves its endpoints.
 */
class KubernetesLocalityIntegrationTest {
  private TestCluster cluster;
  private Mesh mesh;
  private OkHttpClient client;
  private final Map<String, LoopbackBackend> pods = new LinkedHashMap<>();
  private final Map<String, AtomicBoolean> failing = new LinkedHashMap<>();
  private int port;

  @AfterEach
  void tearDown() {
    if (mesh != null) {
      mesh.close();
    }
    pods.values().forEach(LoopbackBackend::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Nodes a (r1/z1), b (r1/z2), c (r2/z3); web-a1 and web-a2 on a, web-b1 on b, web-c1 on c. */
  private void cluster(Service web) {
    cluster = TestCluster.create();
    cluster.put(TestCluster.node("node-a", "r1", "z1"));
    cluster.put(TestCluster.node("node-b", "r1", "z2"));
    cluster.put(TestCluster.node("node-c", "r2", "z3"));
    int address = 21;
    for (String name : List.of("web-a1", "web-a2", "web-b1", "web-c1")) {
      AtomicBoolean down = new AtomicBoolean();
      LoopbackBackend b = LoopbackBackend.startAt(name, Map.of(), "127.0.0." + address++, port)
          .answer(r -> down.get() ? Answer.of(503, "down") : Answer.of(200, name));
      port = b.port();
      pods.put(name, b);
      failing.put(name, down);
      cluster.put(TestCluster.pod("default", name, b.address(), "web", Map.of("app", "web")));
    }
    cluster.put(new ServiceBuilder(web).editSpec().editFirstPort()
        .withTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(port)).endPort().endSpec().build());
    slice(Set.of());
  }

  /** The EndpointSlice, with the Pods of {@code notReady} failing their readiness probe. */
  private void slice(Set<String> notReady) {
    List<TestCluster.SliceEndpoint> endpoints = new ArrayList<>();
    for (String name : pods.keySet()) {
      String node = "node-" + name.charAt(4);
      String zone = switch (name.charAt(4)) {
        case 'a' -> "z1";
        case 'b' -> "z2";
        default -> "z3";
      };
      TestCluster.SliceEndpoint e = ready(name, pods.get(name).address()).on(node, zone);
      endpoints.add(notReady.contains(name) ? e.notReady() : e);
    }
    cluster.put(TestCluster.slice("default", "web-abc", "web", "http", port, endpoints));
  }

  private void meshInR1Z1(String config) {
    if (!config.isEmpty()) {
      cluster.apply(config);
    }
    mesh = Mesh.builder().namespace("default").workloadLabel("app", "client").locality("r1/z1")
        .source(KubernetesSource.builder(cluster.newClient()).debounce(Duration.ofMillis(20), Duration.ofSeconds(1))
            .build())
        .build();
    cluster.awaitOpenWatches(10);
    client = MeshOkHttp.newClient(mesh);
  }

  private static Service web(String trafficDistribution) {
    return new ServiceBuilder(TestCluster.service("default", "web", 8080, "http", 8080)).editSpec()
        .withTrafficDistribution(trafficDistribution).endSpec().build();
  }

  private Map<String, Integer> answers(int n) throws IOException {
    Map<String, Integer> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      try (Response r = client.newCall(new Request.Builder().url("http://web:8080/").build()).execute()) {
        out.merge(r.body().string(), 1, Integer::sum);
      }
    }
    return out;
  }

  /** Waits until {@code n} calls in a row reach only {@code pods}. */
  private void awaitOnly(int n, String... pods) {
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
        .until(() -> Set.of(pods).containsAll(answers(n).keySet()));
  }

  @Test
  void preferCloseKeepsTrafficInTheZoneAndFailsOverZoneThenRegionAsPodsGoUnready() throws Exception {
    cluster(web("PreferClose"));
    meshInR1Z1("");

    assertThat(answers(40)).as("the workload's zone only").containsOnlyKeys("web-a1", "web-a2");

    slice(Set.of("web-a1", "web-a2")); // zone z1 fails its readiness probes
    awaitOnly(20, "web-b1");
    assertThat(answers(40)).as("the same region's other zone, not the other region").containsOnlyKeys("web-b1");

    slice(Set.of("web-a1", "web-a2", "web-b1")); // region r1 is down
    awaitOnly(20, "web-c1");
    assertThat(answers(20)).containsOnlyKeys("web-c1");

    slice(Set.of()); // z1 is back
    awaitOnly(20, "web-a1", "web-a2");
    assertThat(answers(40)).containsOnlyKeys("web-a1", "web-a2");
  }

  @Test
  void aRelabelledNodeMovesItsEndpointsToAnotherPriority() throws Exception {
    cluster(web("PreferClose"));
    meshInR1Z1("");
    slice(Set.of("web-a1", "web-a2"));
    awaitOnly(20, "web-b1");

    // node-b is now in the other region: web-b1 and web-c1 rank alike.
    cluster.put(TestCluster.node("node-b", "r2", "z2"));
    await().atMost(Duration.ofSeconds(15)).until(() -> answers(40).containsKey("web-c1"));
    assertThat(answers(200)).containsOnlyKeys("web-b1", "web-c1");

    // And back into z1: web-b1 ranks with the workload's own zone again.
    cluster.put(TestCluster.node("node-b", "r1", "z1"));
    slice(Set.of());
    awaitOnly(40, "web-a1", "web-a2", "web-b1");
    assertThat(answers(60)).containsOnlyKeys("web-a1", "web-a2", "web-b1");
  }

  @Test
  void withoutTrafficDistributionEveryZoneTakesTraffic() throws Exception {
    cluster(web(null));
    meshInR1Z1("");

    assertThat(answers(200)).containsOnlyKeys("web-a1", "web-a2", "web-b1", "web-c1");
  }

  @Test
  void outlierDetectionEjectsA5xxZoneAndTrafficFailsOverByNodeLocality() throws Exception {
    cluster(web(null));
    meshInR1Z1("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web, namespace: default}
        spec:
          host: web
          trafficPolicy:
            outlierDetection: {consecutive5xxErrors: 1, interval: 10s, baseEjectionTime: 120s, maxEjectionPercent: 100}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web, namespace: default}
        spec:
          hosts: [web]
          http:
          - route: [{destination: {host: web}}]
            retries: {attempts: 0}
        """);
    awaitOnly(20, "web-a1", "web-a2");

    failing.get("web-a1").set(true);
    failing.get("web-a2").set(true);
    awaitOnly(20, "web-b1");
    assertThat(answers(40)).as("zone z1 ejected: the same region's zone z2").containsOnlyKeys("web-b1");

    failing.get("web-b1").set(true);
    awaitOnly(20, "web-c1");
    assertThat(answers(40)).as("region r1 ejected: the other region").containsOnlyKeys("web-c1");
  }
}
