package dev.mesh4j.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.ScriptedExchange;
import dev.mesh4j.core.testing.ScriptedExchange.Step;
import dev.mesh4j.core.testing.TestSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console's timeline tells each kind of decision the mesh makes, and its graph draws a lock
 * exactly on the edges whose cluster originates mutual TLS.
 */
class TimelineAndLockTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CLUSTER = "outbound|9080||reviews.default.svc.cluster.local";
  static final String REVIEWS = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        trafficPolicy:
          connectionPool: {http: {maxRetries: 1}}
          outlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          retries: {attempts: 2, retryOn: 5xx}
      """;

  final FakeClock clock = new FakeClock();

  @Test
  void theTimelineTellsRetriesShedsEjectionsAndReturns() throws Exception {
    Endpoint one = Endpoint.of("10.0.0.1", 9080);
    try (Mesh mesh = Mesh.builder().configYaml(REVIEWS)
            .registry(new ServiceRegistry().register("reviews", 9080, one, Endpoint.of("10.0.0.2", 9080)))
            .ticker(clock).scheduler(clock).sleeper(clock).dnsRefreshInterval(Duration.ZERO)
            .random(RandomSource.seeded(1)).build();
        MeshConsole console = MeshConsole.attach(mesh)) {
      MeshRequest request = MeshRequest.builder("http://reviews:9080/reviews/1").build();
      // The first request's retry holds the cluster's only retry permit (maxRetries 1) while it
      // is in flight: a second request wanting a retry meanwhile is shed from retrying.
      ScriptedExchange first = new ScriptedExchange(clock, Step.status(503), Step.status(200)) {
        @Override
        public Response send(UpstreamRequest r) throws IOException {
          if (r.attempt() == 2) {
            mesh.execute(request, new ScriptedExchange(clock, Step.status(503)));
          }
          return super.send(r);
        }
      };
      mesh.execute(request, first);
      // 10.0.0.1 answers 503 until the detector ejects it; then 30 s pass and it returns.
      for (int i = 0; i < 50 && !timeline(console).containsKey("ejected"); i++) {
        mesh.execute(request, new ScriptedExchange(clock, Step.status(503)) {
          @Override
          public Response send(UpstreamRequest r) throws IOException {
            return one.equals(r.endpoint()) ? super.send(r) : new Response(200, r, null, Map.of());
          }
        });
      }
      clock.advance(Duration.ofSeconds(31));

      Map<String, List<String>> kinds = timeline(console);
      assertThat(kinds.get("retry")).first().asString().startsWith(CLUSTER + ": after attempt 1")
          .contains("(503): retrying, retryOn 5xx matched status 503");
      assertThat(kinds.get("shed")).containsExactly(
          CLUSTER + ": request to reviews:9080 shed: maxRetries reached (503 UO)");
      // The last word on the request that was retried; a request never retried has none.
      assertThat(kinds.get("no-retry")).containsExactly(CLUSTER
          + ": after attempt 2 to 10.0.0.1:9080 (200): not retried, status 200 is not retried (retryOn: 5xx)");
      // Which endpoint answered 503 twice in a row first is up to the balancer.
      String ejected = kinds.get("ejected").get(0);
      assertThat(ejected).matches("\\Q" + CLUSTER + "\\E: 10\\.0\\.0\\.[12]:9080 ejected \\(consecutive 5xx\\),"
          + " ejection 1, out for 30s");
      String endpoint = ejected.substring(CLUSTER.length() + 2, ejected.indexOf(' ', CLUSTER.length() + 2));
      assertThat(kinds.get("returned")).singleElement().asString()
          .matches("\\Q" + CLUSTER + ": " + endpoint + " returned (ejection time elapsed) after \\E3[01](\\.0)?s");
      // The shed shows on the cluster's bolt for ten seconds, counted over the window.
      JsonNode breaker = JSON.readTree(console.state()).get("services").get(0).get("versions").get(0)
          .get("circuitBreaker");
      assertThat(breaker.get("configured").asBoolean()).isTrue();
      assertThat(breaker.get("shed").asLong()).isEqualTo(1);
    }
  }

  @Test
  void theTimelineTellsConfigurationAppliedAndRejectedAndEndpointChanges() throws Exception {
    ResourceKey vs = new ResourceKey("VirtualService", "default", "reviews");
    TestSource k8s = TestSource.perResource("watched", SourceUpdate.replaceAll().build());
    try (Mesh mesh = Mesh.builder().source(k8s).build(); MeshConsole console = MeshConsole.attach(mesh)) {
      k8s.apply(SourceUpdate.changes().manifest(vs, "watched", """
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: reviews, namespace: default}
          spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews}}]}]}
          """).build());
      k8s.apply(SourceUpdate.changes().manifest(vs, "watched", "kind: VirtualService\nspec: {hosts: reviews}").build());
      k8s.apply(SourceUpdate.changes().service(ServiceEndpoints.builder("reviews", "default")
          .port(new ServicePort(9080, "HTTP", "http", null)).endpoint(9080, Endpoint.of("10.0.0.1", 9080)).build())
          .build());

      Map<String, List<String>> kinds = timeline(console);
      assertThat(kinds.get("config-applied")).first().asString().startsWith("watched: configuration version ")
          .endsWith(" applied");
      assertThat(kinds.get("config-rejected")).singleElement().asString()
          .startsWith("watched: update rejected, version ").contains(" keeps serving: watched#1");
      assertThat(kinds.get("endpoints")).containsExactly(
          "reviews.default.svc.cluster.local: 1 endpoint(s) now, from watched");
    }
  }

  @Test
  void aLockOnlyWhereTheClusterOriginatesMutualTls() throws Exception {
    try (Mesh mesh = Mesh.builder().configYaml("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: ratings}
            spec:
              host: ratings
              trafficPolicy:
                tls: {mode: MUTUAL, clientCertificate: /etc/certs/cert.pem, privateKey: /etc/certs/key.pem}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: details}
            spec:
              host: details
              trafficPolicy:
                tls: {mode: SIMPLE}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              trafficPolicy:
                tls: {mode: ISTIO_MUTUAL}
            """)
            .registry(new ServiceRegistry()
                .register("ratings", 9080, Endpoint.of("10.0.0.1", 9080))
                .register("details", 9080, Endpoint.of("10.0.0.2", 9080))
                .register("reviews", 9080, Endpoint.of("10.0.0.3", 9080)))
            .ticker(clock).scheduler(clock).sleeper(clock).dnsRefreshInterval(Duration.ZERO)
            .random(RandomSource.seeded(1)).build();
        MeshConsole console = MeshConsole.attach(mesh)) {
      for (String service : List.of("ratings", "details", "reviews")) {
        mesh.execute(MeshRequest.builder("http://" + service + ":9080/").build(), new RecordingExchange());
      }
      Map<String, JsonNode> services = new LinkedHashMap<>();
      for (JsonNode s : JSON.readTree(console.state()).get("services")) {
        services.put(s.get("name").asText(), s);
      }
      JsonNode ratings = services.get("ratings");
      assertThat(ratings.get("mtls").asBoolean()).isTrue();
      assertThat(ratings.get("versions").get(0).get("tls").asText()).isEqualTo("MUTUAL");
      assertThat(ratings.get("versions").get(0).get("mtls").asBoolean()).isTrue();
      // One-way TLS is not mutual.
      assertThat(services.get("details").get("mtls").asBoolean()).isFalse();
      assertThat(services.get("details").get("versions").get(0).get("tls").asText()).isEqualTo("SIMPLE");
      // ISTIO_MUTUAL without a workload identity fails locally: no lock, the failure instead.
      JsonNode reviews = services.get("reviews").get("versions").get(0);
      assertThat(services.get("reviews").get("mtls").asBoolean()).isFalse();
      assertThat(reviews.get("tls").asText()).isEqualTo("ISTIO_MUTUAL");
      assertThat(reviews.get("failure").asText()).contains("requires a workload identity");
    }
  }

  /** The timeline's texts by kind, oldest first, each as {@code subject: text}. */
  static Map<String, List<String>> timeline(MeshConsole console) throws IOException {
    Map<String, List<String>> kinds = new LinkedHashMap<>();
    for (JsonNode e : JSON.readTree(console.state()).get("timeline")) {
      kinds.computeIfAbsent(e.get("kind").asText(), k -> new ArrayList<>())
          .add(e.get("subject").asText() + ": " + e.get("text").asText());
    }
    return kinds;
  }

  @Test
  void aLockWhereResponsesCameOverMutualTlsAsWithAutoMtls() throws Exception {
    // No TLS mode configured: auto mTLS decides per endpoint, so only the traffic can tell.
    try (Mesh mesh = Mesh.builder()
            .registry(new ServiceRegistry()
                .register("ratings", 9080, Endpoint.of("10.0.0.1", 9080))
                .register("details", 9080, Endpoint.of("10.0.0.2", 9080)))
            .ticker(clock).scheduler(clock).sleeper(clock).dnsRefreshInterval(Duration.ZERO)
            .random(RandomSource.seeded(1)).build();
        MeshConsole console = MeshConsole.attach(mesh)) {
      mesh.execute(MeshRequest.builder("http://ratings:9080/").build(),
          new RecordingExchange().overMutualTls("spiffe://cluster.local/ns/default/sa/ratings"));
      mesh.execute(MeshRequest.builder("http://details:9080/").build(), new RecordingExchange());
      Map<String, JsonNode> services = new LinkedHashMap<>();
      for (JsonNode s : JSON.readTree(console.state()).get("services")) {
        services.put(s.get("name").asText(), s);
      }
      assertThat(services.get("ratings").get("versions").get(0).get("tls").asText()).isEqualTo("DISABLE");
      assertThat(services.get("ratings").get("mtls").asBoolean()).isTrue();
      assertThat(services.get("details").get("mtls").asBoolean()).isFalse();

      clock.advance(Duration.ofSeconds(61));
      JsonNode later = null;
      for (JsonNode s : JSON.readTree(console.state()).get("services")) {
        if (s.get("name").asText().equals("ratings")) {
          later = s;
        }
      }
      assertThat(later == null || !later.get("mtls").asBoolean()).as("a minute later the lock is gone").isTrue();
    }
  }
}
