package dev.mesh4j.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's listener on a real mesh with virtual time: windows roll, memory stays bounded. */
class LiveStatsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final FakeClock clock = new FakeClock();

  Mesh.Builder mesh() {
    return Mesh.builder()
        .registry(new ServiceRegistry().register("reviews", 9080,
            Endpoint.of("10.0.0.1", 9080).withLabel("version", "v1"),
            Endpoint.of("10.0.0.2", 9080).withLabel("version", "v2")))
        .ticker(clock).scheduler(clock).sleeper(clock).dnsRefreshInterval(Duration.ZERO)
        .random(RandomSource.seeded(7));
  }

  static void send(Mesh mesh, String url) throws IOException {
    mesh.execute(MeshRequest.builder(url).build(), new RecordingExchange());
  }

  @Test
  void aServiceShowsWhileItHadRequestsInTheLastMinuteAndItsVersionsShareThem() throws Exception {
    try (Mesh mesh = mesh().build(); MeshConsole console = MeshConsole.attach(mesh)) {
      for (int i = 0; i < 40; i++) {
        send(mesh, "http://reviews:9080/r");
        clock.advance(Duration.ofMillis(250));
      }
      JsonNode reviews = JSON.readTree(console.state()).get("services").get(0);
      assertThat(reviews.get("host").asText()).isEqualTo("reviews.default.svc.cluster.local");
      assertThat(reviews.get("stats").get("requests").asLong()).isEqualTo(40);
      assertThat(reviews.get("versions")).extracting(v -> v.get("version").asText()).containsExactly("v1", "v2");
      long v1 = reviews.get("versions").get(0).get("stats").get("requests").asLong();
      long v2 = reviews.get("versions").get(1).get("stats").get("requests").asLong();
      assertThat(v1 + v2).isEqualTo(40);
      assertThat(reviews.get("versions").get(0).get("observedPercent").asDouble()).isEqualTo(100.0 * v1 / 40);

      clock.advance(Duration.ofSeconds(61));
      assertThat(JSON.readTree(console.state()).get("services")).isEmpty();
    }
  }

  @Test
  void inItsFirstSecondTheConsoleCountsRequestsOfTheSecondBucketBeforeTheCurrentOne() throws Exception {
    clock.advance(Duration.ofMillis(500));
    try (Mesh mesh = mesh().build(); MeshConsole console = MeshConsole.attach(mesh)) {
      clock.advance(Duration.ofMillis(400));
      send(mesh, "http://reviews:9080/r");
      // 0.7 s after the console started, but in the next second of the ticker.
      clock.advance(Duration.ofMillis(300));
      JsonNode state = JSON.readTree(console.state());
      assertThat(state.get("console").get("coveredSeconds").asInt()).isEqualTo(2);
      assertThat(state.get("services").get(0).get("stats").get("requests").asLong()).isEqualTo(1);
    }
  }

  @Test
  void hostsTheApplicationChoosesCannotGrowTheConsoleWithoutBound() throws Exception {
    try (Mesh mesh = mesh().configYaml("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: wild}
            spec:
              hosts: ["*.example.com"]
              http: [{match: [{uri: {exact: /only}}], route: [{destination: {host: reviews}}]}]
            """).build();
        MeshConsole console = MeshConsole.attach(mesh)) {
      for (int i = 0; i < 300; i++) {
        send(mesh, "http://h" + i + ".example.com/unrouted");      // 404 NR, keyed by the host asked
        send(mesh, "http://unknown-" + i + ".test/");               // PassthroughCluster
      }
      LiveStats stats = stats(console);
      assertThat(stats.services()).hasSizeLessThanOrEqualTo(LiveStats.MAX_SERVICES + 1)
          .containsKey(LiveStats.OVERFLOW).containsKey(LiveStats.PASSTHROUGH);
      Map<String, Window> hosts = stats.services().get(LiveStats.PASSTHROUGH).hosts;
      assertThat(hosts).hasSize(LiveStats.MAX_HOSTS + 1).containsKey(LiveStats.OVERFLOW);
      JsonNode state = JSON.readTree(console.state());
      JsonNode passthrough = null;
      for (JsonNode s : state.get("services")) {
        if (s.get("kind").asText().equals("passthrough")) {
          passthrough = s;
        }
      }
      assertThat(passthrough.get("stats").get("requests").asLong()).isEqualTo(300);
      assertThat(passthrough.get("hosts")).hasSize(StateDocument.HOSTS_SHOWN);
      assertThat(passthrough.get("hostsNotShown").asLong()).isEqualTo(LiveStats.MAX_HOSTS + 1 - StateDocument.HOSTS_SHOWN);
    }
  }

  @Test
  void routeNamesCannotGrowTheConsoleWithoutBoundEvenAsConfigurationBringsNewOnes() throws Exception {
    StringBuilder routes = new StringBuilder();
    int named = LiveStats.MAX_ROUTES + 50;
    for (int i = 0; i < named; i++) {
      routes.append("    - {name: r").append(i).append(", match: [{uri: {exact: /r").append(i)
          .append("}}], route: [{destination: {host: reviews}}]}\n");
    }
    try (Mesh mesh = mesh().configYaml("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
            """ + routes).build();
        MeshConsole console = MeshConsole.attach(mesh)) {
      for (int i = 0; i < named; i++) {
        send(mesh, "http://reviews:9080/r" + i);
      }
      LiveStats.ServiceStats reviews = stats(console).services().get("reviews.default.svc.cluster.local");
      assertThat(reviews.routes).hasSize(LiveStats.MAX_ROUTES + 1).containsKey(LiveStats.OVERFLOW);
      assertThat(reviews.routes.get(LiveStats.OVERFLOW).values().iterator().next()
          .totals(clock.nanos(), Window.SECONDS).requests()).isEqualTo(50);
    }
  }

  @Test
  void blackholedEgressIsOneNode() throws Exception {
    try (Mesh mesh = mesh().outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY).build();
        MeshConsole console = MeshConsole.attach(mesh)) {
      send(mesh, "http://httpbin.org/get");
      send(mesh, "http://example.com/");
      JsonNode s = JSON.readTree(console.state()).get("services").get(0);
      assertThat(s.get("kind").asText()).isEqualTo("blackhole");
      assertThat(s.get("host").asText()).isEqualTo("BlackHoleCluster");
      assertThat(s.get("stats").get("errors").asLong()).isEqualTo(2);
      assertThat(s.get("hosts")).extracting(h -> h.get("host").asText()).containsExactlyInAnyOrder("httpbin.org", "example.com");
    }
  }

  @Test
  void closingTheConsoleDetachesItsListener() throws Exception {
    try (Mesh mesh = mesh().build()) {
      MeshConsole console = MeshConsole.attach(mesh);
      console.close();
      send(mesh, "http://reviews:9080/r");
      assertThat(stats(console).services()).isEmpty();
      assertThat(mesh.removeListener(stats(console))).isFalse();
    }
  }

  static LiveStats stats(MeshConsole console) {
    return console.stats();
  }
}
