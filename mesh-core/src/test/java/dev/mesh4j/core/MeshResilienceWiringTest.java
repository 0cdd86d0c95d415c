package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.cluster.ClusterKey;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.resilience.OutlierDetector;
import dev.mesh4j.core.testing.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every cluster of a snapshot carries its limiter and detector, shared across rebuilds. */
class MeshResilienceWiringTest {
  private static final ClusterKey REVIEWS = new ClusterKey("reviews.default.svc.cluster.local", null, 9080);

  @TempDir Path dir;

  static String rule(int maxEjectionPercent, int maxConnections) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            connectionPool: {tcp: {maxConnections: %d}, http: {http1MaxPendingRequests: 1}}
            outlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 10s, maxEjectionPercent: %d}
        """.formatted(maxConnections, maxEjectionPercent);
  }

  @Test
  void clustersShareTheirResilienceAcrossReloadsAndEndpointChanges() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), rule(50, 1));
    FakeClock clock = new FakeClock();
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080,
        Endpoint.of("10.0.0.1", 9080), Endpoint.of("10.0.0.2", 9080));
    Mesh mesh = Mesh.builder().configDirectory(dir).registry(registry).ticker(clock).scheduler(clock)
        .dnsRefreshInterval(Duration.ZERO).build();
    try {
      Cluster cluster = mesh.snapshot().cluster(REVIEWS);
      OutlierDetector detector = cluster.resilience().outlierDetector();
      assertThat(detector).isNotNull();
      assertThat(detector.settings().consecutive5xx()).isEqualTo(2);
      assertThat(cluster.resilience().limiter().limits().maxConnections()).isEqualTo(1);
      UpstreamHost first = cluster.loadBalancer().hosts().get(0);
      detector.onResponse(first, 503);
      detector.onResponse(first, 503);
      assertThat(first.isHealthy()).isFalse();

      registry.register("reviews", 9080, Endpoint.of("10.0.0.1", 9080), Endpoint.of("10.0.0.2", 9080),
          Endpoint.of("10.0.0.3", 9080));
      Cluster rebuilt = mesh.snapshot().cluster(REVIEWS);
      assertThat(rebuilt).isNotSameAs(cluster);
      assertThat(rebuilt.resilience().outlierDetector()).isSameAs(detector);
      assertThat(detector.hosts()).hasSize(3);
      assertThat(rebuilt.loadBalancer().hosts().get(0).isHealthy()).as("still ejected").isFalse();

      Files.writeString(dir.resolve("reviews.yaml"), rule(60, 4));
      mesh.reload();
      Cluster reloaded = mesh.snapshot().cluster(REVIEWS);
      assertThat(reloaded.resilience().outlierDetector()).isSameAs(detector);
      assertThat(reloaded.resilience().limiter()).isSameAs(cluster.resilience().limiter());
      assertThat(reloaded.resilience().limiter().limits().maxConnections()).isEqualTo(4);
      assertThat(detector.settings().maxEjectionPercent()).isEqualTo(60);

      clock.advance(Duration.ofSeconds(10));
      assertThat(first.isHealthy()).as("returned by the mesh's scheduler").isTrue();
    } finally {
      mesh.close();
    }
    assertThat(clock.pendingTasks()).as("closing the mesh stops the sweeps").isZero();
  }
}
