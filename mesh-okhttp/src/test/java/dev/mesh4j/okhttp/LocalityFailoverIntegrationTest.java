package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.Binomial;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code localityLbSetting} over real loopback HTTP: endpoints in three zones, the workload in
 * the first; a zone whose endpoints answer 5xx is ejected by outlier detection and its traffic
 * fails over in Istio's order (same region before other regions), and {@code distribute} splits
 * by locality weight.
 */
class LocalityFailoverIntegrationTest {
  final List<LoopbackBackend> backends = new ArrayList<>();

  @AfterEach
  void stop() {
    backends.forEach(LoopbackBackend::close);
  }

  LoopbackBackend backend(String name, String region, String zone, AtomicBoolean failing) {
    LoopbackBackend b = LoopbackBackend.start(name, Map.of(Workload.REGION_LABEL, region, Workload.ZONE_LABEL, zone))
        .answer(r -> failing.get() ? Answer.of(503, "down") : Answer.of(200, name));
    backends.add(b);
    return b;
  }

  static final String POLICY = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: web}
      spec:
        host: web
        trafficPolicy:
          loadBalancer: {simple: ROUND_ROBIN%s}
          outlierDetection: {consecutive5xxErrors: 1, interval: 10s, baseEjectionTime: 60s, maxEjectionPercent: 100}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: web}
      spec:
        hosts: [web]
        http:
        - route: [{destination: {host: web}}]
          retries: {attempts: 0}
      """;

  @Test
  void aFailingZoneFailsOverToTheSameRegionThenToOtherRegions() throws IOException {
    AtomicBoolean zone1Down = new AtomicBoolean();
    AtomicBoolean zone2Down = new AtomicBoolean();
    AtomicBoolean zone3Down = new AtomicBoolean();
    // The other region's zone is listed first: order in discovery does not matter, locality does.
    LoopbackBackend c1 = backend("c1", "r2", "z3", zone3Down);
    LoopbackBackend a1 = backend("a1", "r1", "z1", zone1Down);
    LoopbackBackend a2 = backend("a2", "r1", "z1", zone1Down);
    LoopbackBackend b1 = backend("b1", "r1", "z2", zone2Down);
    LoopbackBackend b2 = backend("b2", "r1", "z2", zone2Down);
    LoopbackBackend c2 = backend("c2", "r2", "z3", zone3Down);
    FakeClock clock = new FakeClock();
    try (Mesh mesh = Mesh.builder().ticker(clock).scheduler(clock).random(RandomSource.seeded(7))
        .locality("r1/z1")
        .registry(new ServiceRegistry().register("web", 8080,
            backends.stream().map(LoopbackBackend::endpoint).toList()))
        .configYaml(POLICY.formatted("")).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      assertThat(answers(client, clock, 40)).as("all in the workload's zone").containsOnlyKeys("a1", "a2");

      zone1Down.set(true);
      Map<String, Integer> failing = answers(client, clock, 40);
      assertThat(failing.getOrDefault("down", 0)).as("one 503 per zone-1 endpoint, then ejected").isEqualTo(2);
      assertThat(answers(client, clock, 40)).as("zone 1 ejected: the same region's zone 2 takes it all")
          .containsOnlyKeys("b1", "b2");

      zone2Down.set(true);
      answers(client, clock, 20);
      assertThat(answers(client, clock, 40)).as("region 1 ejected: the other region").containsOnlyKeys("c1", "c2");
      // Zone 1: the first 40, then one 503 each. Zone 2: the other 38 of the second 40, the third
      // 40, one 503 each. The other region: nothing until then, 18 + 40.
      assertThat(a1.requestCount() + a2.requestCount()).isEqualTo(40 + 2);
      assertThat(b1.requestCount() + b2.requestCount()).isEqualTo(38 + 40 + 2);
      assertThat(c1.requestCount() + c2.requestCount()).isEqualTo(18 + 40);
    }
  }

  @Test
  void halfAZoneEjectedSpillsThirtyPercentToTheNextPriority() throws IOException {
    AtomicBoolean ok = new AtomicBoolean();
    AtomicBoolean a1Down = new AtomicBoolean();
    backend("a1", "r1", "z1", a1Down);
    backend("a2", "r1", "z1", ok);
    backend("b1", "r1", "z2", ok);
    FakeClock clock = new FakeClock();
    try (Mesh mesh = Mesh.builder().ticker(clock).scheduler(clock).random(RandomSource.seeded(8))
        .locality("r1/z1")
        .registry(new ServiceRegistry().register("web", 8080,
            backends.stream().map(LoopbackBackend::endpoint).toList()))
        .configYaml(POLICY.formatted("")).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      a1Down.set(true);
      answers(client, clock, 10);
      // Zone 1's health is 140 × 1/2 = 70: 70 % stay, 30 % go to zone 2.
      Map<String, Integer> after = answers(client, clock, 1000);
      assertThat(after).containsOnlyKeys("a2", "b1");
      assertThat(Binomial.plausible(after.get("b1"), 1000, 0.30)).as("%s", after).isTrue();
    }
  }

  @Test
  void distributeSplitsTrafficByLocalityWeight() throws IOException {
    AtomicBoolean ok = new AtomicBoolean();
    backend("a1", "r1", "z1", ok);
    backend("a2", "r1", "z1", ok);
    backend("b1", "r1", "z2", ok);
    backend("c1", "r2", "z3", ok);
    try (Mesh mesh = Mesh.builder().random(RandomSource.seeded(9)).locality("r1/z1")
        .registry(new ServiceRegistry().register("web", 8080,
            backends.stream().map(LoopbackBackend::endpoint).toList()))
        .configYaml(POLICY.formatted(", localityLbSetting: {distribute: [{from: r1/z1/*, to: {r1/z1/*: 20, r1/z2/*: 80}}]}"))
        .build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      Map<String, Integer> got = answers(client, null, 1000);
      assertThat(got).as("r2 is not named: dropped").containsOnlyKeys("a1", "a2", "b1");
      assertThat(Binomial.plausible(got.get("b1"), 1000, 0.80)).as("%s", got).isTrue();
    }
  }

  static Map<String, Integer> answers(OkHttpClient client, FakeClock clock, int n) throws IOException {
    Map<String, Integer> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      try (Response r = client.newCall(new Request.Builder().url("http://web:8080/").build()).execute()) {
        out.merge(r.body().string(), 1, Integer::sum);
      }
      if (clock != null) {
        clock.runDue(); // rebuilds after an ejection run on the mesh's scheduler
      }
    }
    return out;
  }
}
