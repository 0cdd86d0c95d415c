package dev.mesh4j.kubernetes;

import static dev.mesh4j.kubernetes.BookinfoPods.sample;
import static dev.mesh4j.kubernetes.TestCluster.SliceEndpoint.ready;
import static dev.mesh4j.kubernetes.TestCluster.SliceEndpoint.terminating;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.testing.Binomial;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Istio's bookinfo traffic tasks with Kubernetes as the control plane: a real API server
 * in-process, Services, Pods and EndpointSlices pointing at loopback pods, the tasks' manifests
 * applied through the Kubernetes client as {@code kubectl apply} would, and a real mesh sending
 * real HTTP — while resources change, pods go away and the API server restarts.
 */
class KubernetesMeshIntegrationTest {
  private TestCluster cluster;
  private BookinfoPods bookinfo;
  private Mesh mesh;
  private OkHttpClient client;

  @BeforeEach
  void setUp() {
    cluster = TestCluster.create();
    bookinfo = new BookinfoPods(cluster);
    cluster.apply(sample("destination-rule-all.yaml"));
    cluster.apply(sample("virtual-service-all-v1.yaml"));
    mesh = Mesh.builder().namespace("default").workloadLabel("app", "productpage")
        .source(KubernetesSource.of(cluster.newClient()))
        .build();
    cluster.awaitOpenWatches(10); // one per kind and Nodes: what changes from now on reaches the mesh
    client = MeshOkHttp.newClient(mesh);
  }

  @AfterEach
  void tearDown() {
    if (mesh != null) {
      mesh.close();
    }
    bookinfo.close();
    cluster.close();
  }

  private String call(String url, String user) throws IOException {
    Request.Builder r = new Request.Builder().url(url);
    if (user != null) {
      r.header("end-user", user);
    }
    try (Response response = client.newCall(r.build()).execute()) {
      if (response.code() != 200) {
        throw new IOException(url + ": " + response.code() + " " + response.header("x-mesh4j-flags"));
      }
      return response.header("x-backend");
    }
  }

  private String reviews() throws IOException {
    return call("http://reviews:9080/reviews/1", null);
  }

  private Map<String, Integer> shares(int n) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(reviews(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void initialRoutingComesFromTheApiServer() throws Exception {
    assertThat(shares(30)).containsOnlyKeys("reviews-v1");
    assertThat(call("http://ratings:9080/ratings/0", null)).isEqualTo("ratings-v1");
    assertThat(mesh.sources()).anySatisfy(s -> {
      assertThat(s.source()).isEqualTo("kubernetes");
      assertThat(s.state()).isEqualTo(SourceStatus.State.SYNCED);
    });
  }

  @Test
  void canaryAndJasonFollowKubectlApply() throws Exception {
    cluster.apply(sample("virtual-service-reviews-90-10.yaml"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !reviews().equals("reviews-v1") || shares(50).size() > 1);
    int n = 1000;
    Map<String, Integer> canary = shares(n);
    assertThat(canary).containsOnlyKeys("reviews-v1", "reviews-v2");
    assertThat(Binomial.plausible(canary.get("reviews-v2"), n, 0.10)).as("v2 share %s", canary).isTrue();

    cluster.apply(sample("virtual-service-reviews-test-v2.yaml"));
    // Under the 90/10 canary jason also reaches v2 now and then: wait until he always does.
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      for (int i = 0; i < 20; i++) {
        if (!call("http://reviews:9080/reviews/1", "jason").equals("reviews-v2")) {
          return false;
        }
      }
      return true;
    });
    for (int i = 0; i < 20; i++) {
      assertThat(call("http://reviews:9080/reviews/1", "jason")).isEqualTo("reviews-v2");
      assertThat(reviews()).isEqualTo("reviews-v1");
    }
  }

  @Test
  void aVirtualServiceUpdateShiftsTrafficWithinTheDebounce() throws Exception {
    assertThat(shares(20)).containsOnlyKeys("reviews-v1");

    long applied = System.nanoTime();
    cluster.apply(sample("virtual-service-reviews-v2-v3.yaml"));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
        .until(() -> !reviews().equals("reviews-v1"));
    Duration shift = Duration.ofNanos(System.nanoTime() - applied);

    assertThat(shares(200)).containsOnlyKeys("reviews-v2", "reviews-v3");
    // The debounce (100 ms quiet) plus a watch event and a compile: well under a second here;
    // the bound is generous for a loaded build machine.
    assertThat(shift).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aPodScaledAwayReceivesNoMoreRequestsAndNoneFail() throws Exception {
    cluster.delete(sample("virtual-service-all-v1.yaml")); // reviews balanced over all three pods
    await().atMost(Duration.ofSeconds(10)).until(() -> shares(60).size() == 3);
    TrafficLoop traffic = TrafficLoop.start(this::reviews);
    try {
      // Scaled down: Kubernetes marks the pod terminating, then drops it from the slice.
      bookinfo.slice("reviews", List.of(ready("reviews-v1", "127.0.0.11"), ready("reviews-v2", "127.0.0.12"),
          terminating("reviews-v3", "127.0.0.13")));
      await().atMost(Duration.ofSeconds(10)).until(() -> !endpointAddresses().contains("127.0.0.13"));
      int v3 = bookinfo.pod("reviews-v3").requestCount();
      int before = traffic.succeeded();
      await().atMost(Duration.ofSeconds(10)).until(() -> traffic.succeeded() > before + 100);
      assertThat(bookinfo.pod("reviews-v3").requestCount()).as("requests to the terminating pod").isEqualTo(v3);

      bookinfo.pod("reviews-v3").close(); // the container stops after its grace period
      bookinfo.slice("reviews", List.of(ready("reviews-v1", "127.0.0.11"), ready("reviews-v2", "127.0.0.12")));
      int after = traffic.succeeded();
      await().atMost(Duration.ofSeconds(10)).until(() -> traffic.succeeded() > after + 100);
    } finally {
      traffic.stop();
    }
    assertThat(traffic.failures()).isEmpty();
    assertThat(traffic.backends()).containsKeys("reviews-v1", "reviews-v2");
  }

  @Test
  void anInvalidResourceIsSkippedWhileAValidUpdateStillApplies() throws Exception {
    // An invalid ratings VirtualService goes in with a valid change to reviews.
    cluster.apply("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: ratings
        spec:
          hosts: [ratings]
          http:
          - match:
            - uri: {regex: "/ratings/[0-9"}
            route:
            - destination: {host: ratings, subset: v2}
        ---
        """ + sample("virtual-service-reviews-v3.yaml"));

    await().atMost(Duration.ofSeconds(10)).until(() -> reviews().equals("reviews-v3"));
    assertThat(mesh.describe().rejected()).anySatisfy(p -> assertThat(p).contains("VirtualService default/ratings").contains("regex"));
    // What ratings had before keeps serving.
    assertThat(call("http://ratings:9080/ratings/0", null)).isEqualTo("ratings-v1");
    assertThat(shares(20)).containsOnlyKeys("reviews-v3");
  }

  @Test
  void apiServerStoppedAndRestartedUnderTrafficFailsNoRequest() throws Exception {
    cluster.delete(sample("virtual-service-all-v1.yaml"));
    cluster.apply(sample("virtual-service-reviews-v3.yaml"));
    await().atMost(Duration.ofSeconds(10)).until(() -> reviews().equals("reviews-v3") && shares(20).size() == 1);
    TrafficLoop traffic = TrafficLoop.start(this::reviews);
    try {
      cluster.stop();
      await().atMost(Duration.ofSeconds(15)).until(() -> state() == SourceStatus.State.STALE);
      int during = traffic.succeeded();
      await().atMost(Duration.ofSeconds(10)).until(() -> traffic.succeeded() > during + 100);

      cluster.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> state() == SourceStatus.State.SYNCED);
      cluster.awaitOpenWatches(10);
      cluster.apply(sample("virtual-service-reviews-v2-v3.yaml"));
      await().atMost(Duration.ofSeconds(10)).until(() -> traffic.backends().containsKey("reviews-v2"));
    } finally {
      traffic.stop();
    }
    assertThat(traffic.failures()).isEmpty();
    assertThat(traffic.succeeded()).isGreaterThan(200);
  }

  private List<String> endpointAddresses() {
    return mesh.describe().clusters().stream().flatMap(c -> c.endpoints().stream())
        .map(e -> e.address().substring(0, e.address().lastIndexOf(':'))).toList();
  }

  private SourceStatus.State state() {
    return mesh.sources().stream().filter(s -> s.source().equals("kubernetes")).findFirst().orElseThrow().state();
  }

  /** Requests in a loop on a thread of its own, counting where they went and what failed. */
  private static final class TrafficLoop {
    interface Call {
      String call() throws IOException;
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger succeeded = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> backends = new ConcurrentHashMap<>();
    private final Thread thread;

    private TrafficLoop(Call call) {
      thread = new Thread(() -> {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos(); // bounded whatever happens
        while (running.get() && System.nanoTime() < deadline) {
          try {
            backends.merge(call.call(), 1, Integer::sum);
            succeeded.incrementAndGet();
          } catch (IOException | RuntimeException e) {
            failures.add(e.toString());
          }
        }
      }, "traffic");
      thread.start();
    }

    static TrafficLoop start(Call call) {
      return new TrafficLoop(call);
    }

    int succeeded() {
      return succeeded.get();
    }

    List<String> failures() {
      return new ArrayList<>(failures);
    }

    Map<String, Integer> backends() {
      return Map.copyOf(backends);
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }
}
