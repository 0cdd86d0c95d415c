package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.observe.ConfigChange;
import dev.mesh4j.core.observe.EndpointEjection;
import dev.mesh4j.core.observe.EndpointsChange;
import dev.mesh4j.core.observe.MeshAttempt;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.observe.RetryDecision;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.ScriptedExchange;
import dev.mesh4j.core.testing.ScriptedExchange.Step;
import dev.mesh4j.core.testing.TestSource;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Every decision the mesh makes reaches listeners, with the cluster, endpoint and reason. */
class MeshEventsTest {

  /** Records events as readable lines. */
  static final class Events implements MeshListener {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void retryDecided(MeshCall call, @Nullable MeshAttempt attempt, RetryDecision d) {
      lines.add("retry " + d.retry() + " after attempt " + (attempt == null ? "-" : attempt.number()) + ": " + d.reason());
    }

    @Override
    public void overflow(MeshCall call, String cluster, String limit) {
      lines.add("overflow " + cluster + " " + limit);
    }

    @Override
    public void localReply(MeshCall call, LocalReply reply) {
      lines.add("local reply " + reply.status() + " " + reply.flags());
    }

    @Override
    public void endpointEjected(EndpointEjection e) {
      lines.add("ejected " + e.cluster() + " " + e.endpoint().hostPort() + " " + e.reason() + " #" + e.ejections()
          + " for " + e.duration());
    }

    @Override
    public void endpointReturned(EndpointEjection e) {
      lines.add("returned " + e.cluster() + " " + e.endpoint().hostPort() + " " + e.reason() + " after " + e.duration());
    }

    @Override
    public void configApplied(ConfigChange c) {
      lines.add("config applied " + c.source() + " problems " + c.problems().size());
    }

    @Override
    public void configRejected(ConfigChange c) {
      lines.add("config rejected " + c.source() + " " + c.problems());
    }

    @Override
    public void endpointsChanged(EndpointsChange c) {
      lines.add("endpoints " + c.service() + " " + c.endpoints() + " from " + c.source());
    }
  }

  static final String REVIEWS = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        trafficPolicy:
          connectionPool: {http: {maxRetries: %d}}
          outlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - match: [{uri: {prefix: /reviews}}]
          route: [{destination: {host: reviews}}]
          retries: {attempts: 2, retryOn: 5xx}
      """;

  final FakeClock clock = new FakeClock();
  final Events events = new Events();

  Mesh mesh(int maxRetries, Endpoint... endpoints) {
    return Mesh.builder().configYaml(REVIEWS.formatted(maxRetries))
        .registry(new ServiceRegistry().register("reviews", 9080, endpoints))
        .ticker(clock).scheduler(clock).sleeper(clock).dnsRefreshInterval(Duration.ZERO)
        .random(dev.mesh4j.api.runtime.RandomSource.seeded(1)).listener(events).build();
  }

  @Test
  void eachAttemptEndsInADecisionWithItsReason() throws IOException {
    try (Mesh mesh = mesh(3, Endpoint.of("10.0.0.1", 9080), Endpoint.of("10.0.0.2", 9080))) {
      mesh.execute(MeshRequest.builder("http://reviews:9080/reviews/1").build(),
          new ScriptedExchange(clock, Step.status(503), Step.status(200)));
      assertThat(events.lines).containsExactly(
          "retry true after attempt 1: retryOn 5xx matched status 503",
          "retry false after attempt 2: status 200 is not retried (retryOn: 5xx)");
    }
  }

  @Test
  void aRetryTheClustersMaxRetriesForbidsIsAnOverflowAndTheResponseIsDelivered() throws IOException {
    try (Mesh mesh = mesh(1, Endpoint.of("10.0.0.1", 9080), Endpoint.of("10.0.0.2", 9080))) {
      MeshRequest request = MeshRequest.builder("http://reviews:9080/reviews/1").build();
      ScriptedExchange.Response[] second = new ScriptedExchange.Response[1];
      // The first request's retry holds the cluster's only retry permit while it is in flight:
      // a second request that wants a retry meanwhile cannot have one.
      ScriptedExchange first = new ScriptedExchange(clock, Step.status(503), Step.status(200)) {
        @Override
        public Response send(dev.mesh4j.core.http.UpstreamRequest r) throws IOException {
          if (r.attempt() == 2) {
            second[0] = mesh.execute(request, new ScriptedExchange(clock, Step.status(503)));
          }
          return super.send(r);
        }
      };
      mesh.execute(request, first);
      assertThat(second[0].status()).as("delivered, not retried").isEqualTo(503);
      assertThat(events.lines).filteredOn(l -> l.startsWith("retry") || l.startsWith("overflow")).containsExactly(
          "retry true after attempt 1: retryOn 5xx matched status 503",
          "retry false after attempt 1: the cluster's maxRetries retries are in flight; the response is delivered",
          "overflow outbound|9080||reviews.default.svc.cluster.local maxRetries",
          "retry false after attempt 2: status 200 is not retried (retryOn: 5xx)");
    }
  }

  @Test
  void aRetryTheClustersRetryBudgetForbidsIsTheSameOverflowNamingTheBudget() throws IOException {
    // A budget of 0% leaves its minimum, 1, and replaces maxRetries 5.
    String yaml = REVIEWS.formatted(5).replace("connectionPool: {http: {maxRetries: 5}}",
        "connectionPool: {http: {maxRetries: 5}}\n    retryBudget: {percent: 0, minRetryConcurrency: 1}");
    try (Mesh mesh = Mesh.builder().configYaml(yaml)
        .registry(new ServiceRegistry().register("reviews", 9080, Endpoint.of("10.0.0.1", 9080),
            Endpoint.of("10.0.0.2", 9080)))
        .ticker(clock).scheduler(clock).sleeper(clock).dnsRefreshInterval(Duration.ZERO)
        .random(dev.mesh4j.api.runtime.RandomSource.seeded(1)).listener(events).build()) {
      MeshRequest request = MeshRequest.builder("http://reviews:9080/reviews/1").build();
      ScriptedExchange.Response[] second = new ScriptedExchange.Response[1];
      ScriptedExchange first = new ScriptedExchange(clock, Step.status(503), Step.status(200)) {
        @Override
        public Response send(dev.mesh4j.core.http.UpstreamRequest r) throws IOException {
          if (r.attempt() == 2) {
            second[0] = mesh.execute(request, new ScriptedExchange(clock, Step.status(503)));
          }
          return super.send(r);
        }
      };
      mesh.execute(request, first);
      assertThat(second[0].status()).as("delivered, not retried").isEqualTo(503);
      assertThat(events.lines).filteredOn(l -> l.startsWith("retry") || l.startsWith("overflow")).containsExactly(
          "retry true after attempt 1: retryOn 5xx matched status 503",
          "retry false after attempt 1: the cluster's retryBudget is spent; the response is delivered",
          "overflow outbound|9080||reviews.default.svc.cluster.local retryBudget",
          "retry false after attempt 2: status 200 is not retried (retryOn: 5xx)");
    }
  }

  @Test
  void answersTheMeshGivesItselfAreReported() throws IOException {
    try (Mesh mesh = mesh(3, Endpoint.of("10.0.0.1", 9080))) {
      mesh.execute(MeshRequest.builder("http://reviews:9080/other").build(), new RecordingExchange());
      assertThat(events.lines).containsExactly("local reply 404 NR");
    }
  }

  @Test
  void ejectionsAndReturnsAreReportedCountedAndLogged() throws IOException {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
    Endpoint bad = Endpoint.of("10.0.0.1", 9080);
    try (Mesh mesh = Mesh.builder().configYaml(REVIEWS.formatted(3).replace("retries: {attempts: 2, retryOn: 5xx}",
            "retries: {attempts: 0}"))
        .registry(new ServiceRegistry().register("reviews", 9080, bad, Endpoint.of("10.0.0.2", 9080)))
        .ticker(clock).scheduler(clock).sleeper(clock).dnsRefreshInterval(Duration.ZERO)
        .random(dev.mesh4j.api.runtime.RandomSource.seeded(1)).openTelemetry(sdk).listener(events).build()) {
      // Send until the bad endpoint has answered 503 twice in a row (the balancer picks).
      int badAnswers = 0;
      for (int i = 0; i < 50 && badAnswers < 2; i++) {
        // The bad endpoint answers 503, the other 200.
        ScriptedExchange ex = new ScriptedExchange(clock, Step.status(503)) {
          @Override
          public Response send(dev.mesh4j.core.http.UpstreamRequest r) throws IOException {
            return bad.equals(r.endpoint()) ? super.send(r) : new Response(200, r, null, java.util.Map.of());
          }
        };
        ScriptedExchange.Response r = mesh.execute(MeshRequest.builder("http://reviews:9080/reviews/1").build(), ex);
        if (r.sent() != null && r.sent().endpoint().equals(bad)) {
          badAnswers++;
        }
      }
      String cluster = "outbound|9080||reviews.default.svc.cluster.local";
      assertThat(events.lines).contains("ejected " + cluster + " 10.0.0.1:9080 consecutive 5xx #1 for PT30S");
      assertThat(metric(reader, "envoy_cluster_outlier_detection_ejections_active")).isEqualTo(1);

      clock.advance(Duration.ofSeconds(31));
      assertThat(events.lines).contains("returned " + cluster + " 10.0.0.1:9080 ejection time elapsed after PT30S");
      assertThat(metric(reader, "envoy_cluster_outlier_detection_ejections_enforced_total")).isGreaterThanOrEqualTo(1);
      assertThat(metric(reader, "envoy_cluster_outlier_detection_ejections_active")).isEqualTo(0);
    }
  }

  static long metric(InMemoryMetricReader reader, String name) {
    MetricData m = reader.collectAllMetrics().stream().filter(d -> d.getName().equals(name)).findFirst().orElseThrow();
    return m.getLongSumData().getPoints().stream().mapToLong(p -> p.getValue()).sum();
  }

  @Test
  void updatesOfSourcesAreReportedAsAppliedRejectedAndEndpointChanges() {
    ResourceKey vs = new ResourceKey("VirtualService", "default", "reviews");
    TestSource k8s = TestSource.perResource("watched", SourceUpdate.replaceAll().build());
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
    try (Mesh mesh = Mesh.builder().source(k8s).listener(events).openTelemetry(sdk).build()) {
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

      assertThat(events.lines).hasSize(4);
      assertThat(events.lines.get(0)).isEqualTo("config applied watched problems 0");
      assertThat(events.lines.get(1)).startsWith("config rejected watched [watched#1");
      assertThat(events.lines.subList(2, 4)).containsExactly(
          "config applied watched problems 0",
          "endpoints reviews.default.svc.cluster.local 1 from watched");
      MetricData rejections = reader.collectAllMetrics().stream()
          .filter(d -> d.getName().equals("mesh4j_config_rejections_total")).findFirst().orElseThrow();
      assertThat(rejections.getLongSumData().getPoints()).singleElement().satisfies(p -> {
        assertThat(p.getValue()).isEqualTo(1);
        assertThat(p.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("source")))
            .isEqualTo("watched");
      });
    }
  }

  @Test
  void aListenerAddedToABuiltMeshHearsWholeRequestsAndTheMeshsEventsUntilRemoved() throws IOException {
    dev.mesh4j.core.testing.RecordingListener added = new dev.mesh4j.core.testing.RecordingListener();
    Endpoint bad = Endpoint.of("10.0.0.1", 9080);
    try (Mesh mesh = Mesh.builder().configYaml(REVIEWS.formatted(3).replace("retries: {attempts: 2, retryOn: 5xx}",
            "retries: {attempts: 0}"))
        .registry(new ServiceRegistry().register("reviews", 9080, bad))
        .ticker(clock).scheduler(clock).sleeper(clock).dnsRefreshInterval(Duration.ZERO)
        .random(dev.mesh4j.api.runtime.RandomSource.seeded(1)).build()) {
      MeshRequest request = MeshRequest.builder("http://reviews:9080/reviews/1").build();
      // A request in flight while the listener is added: it keeps the listeners it started with.
      mesh.execute(request, new ScriptedExchange(clock, Step.status(503)) {
        @Override
        public Response send(dev.mesh4j.core.http.UpstreamRequest r) throws IOException {
          mesh.addListener(added);
          mesh.addListener(events);
          return super.send(r);
        }
      });
      assertThat(added.events()).isEmpty();

      mesh.execute(request, new ScriptedExchange(clock, Step.status(503)));
      assertThat(added.events()).containsExactly("requestStarted", "routed ROUTE default/reviews http[0]",
          "destinationPicked outbound|9080||reviews.default.svc.cluster.local", "attemptStarted 1 10.0.0.1:9080",
          "attemptEnded 1 503", "requestEnded 503");
      // The second consecutive 503 ejected the endpoint: the mesh's own events reach added listeners too.
      assertThat(events.lines).contains(
          "ejected outbound|9080||reviews.default.svc.cluster.local 10.0.0.1:9080 consecutive 5xx #1 for PT30S");

      assertThat(mesh.removeListener(added)).isTrue();
      assertThat(mesh.removeListener(added)).isFalse();
      added.clear();
      mesh.execute(request, new ScriptedExchange(clock, Step.status(200)));
      clock.advance(Duration.ofSeconds(31));
      assertThat(added.events()).isEmpty();
      assertThat(events.lines).contains(
          "returned outbound|9080||reviews.default.svc.cluster.local 10.0.0.1:9080 ejection time elapsed after PT30S");
    }
  }
}
