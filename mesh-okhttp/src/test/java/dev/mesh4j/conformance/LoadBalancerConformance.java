package dev.mesh4j.conformance;

import static dev.mesh4j.conformance.Bookinfo.url;
import static dev.mesh4j.conformance.BookinfoConformance.policy;
import static dev.mesh4j.conformance.PilotTestdataConformance.mesh;
import static dev.mesh4j.conformance.PilotTestdataConformance.staticEntry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.conformance.Transport.Client;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.Binomial;
import dev.mesh4j.core.testing.LoopbackBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * INDEX.md lines whose point is the load-balancing algorithm a DestinationRule names: RANDOM,
 * LEAST_CONN (= LEAST_REQUEST), consistent hash. Each algorithm is checked by what it does over
 * real HTTP where endpoints are reachable, and by {@code explain}.
 */
abstract class LoadBalancerConformance extends Conformance {
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  LoopbackBackend pod(String name) {
    LoopbackBackend b = LoopbackBackend.start(name);
    resources.add(b);
    return b;
  }

  /**
   * How often a pick repeats the previous one over {@code n} sequential requests. Uniform random
   * over k endpoints repeats with probability 1/k; round robin never repeats.
   */
  static int repeats(Client client, int n, String url) throws IOException {
    String previous = null;
    int repeats = 0;
    for (int i = 0; i < n; i++) {
      String who = Http.get(client, url).backend();
      if (who != null && who.equals(previous)) {
        repeats++;
      }
      previous = who;
    }
    return repeats;
  }

  static void assertRandom(Client client, int endpoints, String url) throws IOException {
    int n = 600;
    int r = repeats(client, n, url);
    double p = 1.0 / endpoints;
    assertThat(Binomial.plausible(r, n - 1, p))
        .as("%d of %d consecutive picks repeated; uniform random repeats %.0f ± %.0f", r, n - 1, (n - 1) * p,
            Binomial.tolerance(n - 1, p))
        .isTrue();
  }

  @Test
  @Covers("bookinfo/destination-rule-reviews.yaml")
  void destinationRuleReviews_balancesReviewsRandomly() throws IOException {
    try (Bookinfo bookinfo = Bookinfo.start();
        Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-reviews.yaml").build()) {
      assertRandom(client(mesh), 3, url("reviews", "/"));
      assertThat(policy(mesh.explain(MeshRequest.builder(url("reviews", "/")).build()), "loadBalancer"))
          .isEqualTo("RANDOM");
    }
  }

  @Test
  @Covers("pilot-testdata/destination-rule-fqdn.yaml")
  void destinationRuleFqdn_balancesByLeastRequest() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<LoopbackBackend> pods = List.of(pod("webinf-a"), pod("webinf-b"));
    for (LoopbackBackend p : pods) {
      p.answer(r -> {
        if (r.header("x-hold") != null) {
          arrived.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return LoopbackBackend.Answer.of(200, p.name());
      });
    }
    try (Mesh mesh = mesh("pilot-testdata/destination-rule-fqdn.yaml")
        .configYaml(staticEntry("webinf", "www.webinf.info", 80, pods)).build()) {
      Client client = client(mesh);
      // One request stays in flight on one endpoint...
      CompletableFuture<String> held = client.callAsync("GET", "http://www.webinf.info/held", "x-hold", "1")
          .thenApply(Reply::body);
      assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
      String busy = pods.get(0).requestCount() == 1 ? "webinf-a" : "webinf-b";
      // ...so the other one takes most of the rest: with two choices, the busy endpoint wins only
      // when both choices fall on it (1/4); round robin would give it half.
      int n = 200;
      Map<String, Integer> counts = new LinkedHashMap<>(Http.byBackend(client, n, "http://www.webinf.info/"));
      int toBusy = counts.getOrDefault(busy, 0);
      assertThat(toBusy).as("requests to the busy endpoint %s: %s", busy, counts)
          .isLessThanOrEqualTo((int) (n * 0.25 + Binomial.tolerance(n, 0.25)));
      release.countDown();
      assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(busy);
      assertThat(policy(mesh.explain(MeshRequest.builder("http://www.webinf.info/").build()), "loadBalancer"))
          .isEqualTo("LEAST_REQUEST");
    } finally {
      release.countDown();
    }
  }

  @Test
  @Covers("pilot-testdata/destination-rule-ssl.yaml")
  void destinationRuleSsl_balancesSsl1ByLeastRequestAndRandomWebinfRandomly() throws IOException {
    List<LoopbackBackend> pods = List.of(pod("random-a"), pod("random-b"), pod("random-c"));
    String ssl1 = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ssl1, namespace: testns}
        spec:
          hosts: [ssl1.webinf.info]
          ports: [{number: 80, name: http, protocol: HTTP}]
          resolution: STATIC
          endpoints: [{address: 10.9.9.9}]
        """;
    try (Mesh mesh = mesh("pilot-testdata/destination-rule-ssl.yaml").configYaml(ssl1)
        .configYaml(staticEntry("random", "random.webinf.info", 80, pods)).build()) {
      assertRandom(client(mesh), 3, "http://random.webinf.info/");
      assertThat(policy(mesh.explain(MeshRequest.builder("http://random.webinf.info/").build()), "loadBalancer"))
          .isEqualTo("RANDOM");
      assertThat(policy(mesh.explain(MeshRequest.builder("http://ssl1.webinf.info/").build()), "loadBalancer"))
          .isEqualTo("LEAST_REQUEST");
    }
  }

  @Test
  @Covers("pilot-testdata/destination-rule-all.yaml")
  void destinationRuleAll_subsetV2HashesOnTheCookieWhileTheRestIsRoundRobin() {
    String picker = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: destall-picker, namespace: testns}
        spec:
          hosts: [destall.default.svc.cluster.local]
          http:
          - match: [{headers: {x-subset: {exact: v1}}}]
            route: [{destination: {host: destall.default.svc.cluster.local, subset: v1}}]
          - match: [{headers: {x-subset: {exact: v2}}}]
            route: [{destination: {host: destall.default.svc.cluster.local, subset: v2}}]
          - route: [{destination: {host: destall.default.svc.cluster.local}}]
        """;
    String url = "http://destall.default.svc.cluster.local:81/";
    try (Mesh mesh = mesh("pilot-testdata/destination-rule-all.yaml").configYaml(picker).build()) {
      Explanation v2 = mesh.explain(MeshRequest.builder(url).header("x-subset", "v2").build());
      assertThat(policy(v2, "loadBalancer")).startsWith("RING_HASH");
      assertThat(policy(mesh.explain(MeshRequest.builder(url).header("x-subset", "v1").build()), "loadBalancer"))
          .isEqualTo("ROUND_ROBIN");
      assertThat(policy(mesh.explain(MeshRequest.builder(url).build()), "loadBalancer")).isEqualTo("ROUND_ROBIN");
    }
  }

  @Test
  @Covers("pilot-testdata/static-weighted-se.yaml")
  void staticWeightedSe_usesTheBalancerTheDestinationRuleNames() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("ROUND_ROBIN", "ROUND_ROBIN");
    expected.put("LEAST_REQUEST", "LEAST_REQUEST");
    expected.put("RANDOM", "RANDOM");
    expected.put("", "LEAST_REQUEST (Istio default)");
    expected.forEach((simple, shown) -> {
      Mesh.Builder b = mesh("pilot-testdata/static-weighted-se.yaml");
      if (!simple.isEmpty()) {
        b.configYaml(PilotTestdataConformance.lb(simple));
      }
      try (Mesh mesh = b.build()) {
        assertThat(policy(mesh.explain(MeshRequest.builder("http://weighted.static.svc.cluster.local/").build()),
            "loadBalancer")).as(simple).isEqualTo(shown);
      }
    });
  }
}
