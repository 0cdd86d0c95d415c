package dev.mesh4j.core.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.core.internal.cluster.ClusterKey;
import dev.mesh4j.core.internal.cluster.ResilienceStates;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.testing.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Per-cluster resilience state outlives snapshots: what a reload keeps, changes and stops
 * ({@link ResilienceStates}, as the snapshot compiler drives it).
 */
class ResilienceAcrossReloadsTest {
  private static final ClusterKey REVIEWS = new ClusterKey("reviews.default.svc.cluster.local", null, 9080);
  private static final ClusterKey RATINGS = new ClusterKey("ratings.default.svc.cluster.local", null, 9080);

  private final FakeClock clock = new FakeClock();
  private final ResilienceStates states = new ResilienceStates(clock, clock);

  @AfterEach
  void close() {
    states.close();
  }

  static TrafficPolicy policy(Integer maxEjectionPercent, Integer maxConnections) {
    OutlierDetection od = maxEjectionPercent == null ? null
        : OutlierDetectorTest.od(null, null, null, null, maxEjectionPercent);
    ConnectionPoolSettings pool = maxConnections == null ? null
        : new ConnectionPoolSettings(new ConnectionPoolSettings.Tcp(maxConnections, null, false, null, null), null);
    return new TrafficPolicy(null, pool, od, null, List.of(), null);
  }

  @Test
  void stateSurvivesAReloadOfTheSameCluster() {
    List<UpstreamHost> hosts = OutlierDetectorTest.hosts(4);
    ClusterResilience first = states.cluster(REVIEWS, policy(50, 2), hosts);
    OutlierDetector detector = first.outlierDetector();
    for (int i = 0; i < 5; i++) {
      detector.onResponse(hosts.get(0), 503);
    }
    for (int i = 0; i < 3; i++) {
      detector.onResponse(hosts.get(1), 500);
    }
    assertThat(hosts.get(0).isHealthy()).isFalse();

    // A reload that changes the policy: same objects, new settings, state kept.
    ClusterResilience second = states.cluster(REVIEWS, policy(75, 3), hosts);
    assertThat(second.outlierDetector()).isSameAs(detector);
    assertThat(second.limiter()).isSameAs(first.limiter());
    assertThat(detector.settings().maxEjectionPercent()).isEqualTo(75);
    assertThat(second.limiter().limits().maxConnections()).isEqualTo(3);
    assertThat(hosts.get(0).isHealthy()).isFalse();
    assertThat(detector.host(hosts.get(1)).consecutive5xx()).isEqualTo(3);
    assertThat(clock.pendingTasks()).as("still one sweep").isEqualTo(1);

    // An endpoint change: the one that left is forgotten, the others keep their state.
    states.cluster(REVIEWS, policy(75, 3), hosts.subList(0, 3));
    assertThat(detector.hosts()).hasSize(3);
    assertThat(hosts.get(0).isHealthy()).isFalse();

    clock.advance(Duration.ofSeconds(30));
    assertThat(hosts.get(0).isHealthy()).as("the sweep still runs").isTrue();
  }

  @Test
  void sweepsStopWhenTheClusterIsRemoved() {
    List<UpstreamHost> reviews = OutlierDetectorTest.hosts(2);
    states.cluster(REVIEWS, policy(50, null), reviews).outlierDetector();
    states.cluster(RATINGS, policy(50, null), OutlierDetectorTest.hosts(2));
    assertThat(clock.pendingTasks()).isEqualTo(2);

    states.retain(Set.of(RATINGS));
    assertThat(clock.pendingTasks()).isEqualTo(1);
    states.retain(Set.of());
    assertThat(clock.pendingTasks()).isZero();

    ClusterResilience back = states.cluster(REVIEWS, policy(50, null), reviews);
    assertThat(back.outlierDetector().hosts()).as("a cluster that comes back starts clean")
        .allMatch(h -> h.multiplier() == 0 && !h.ejected());
  }

  @Test
  void removingOutlierDetectionFromThePolicyStopsTheSweepAndReturnsEndpoints() {
    List<UpstreamHost> hosts = OutlierDetectorTest.hosts(2);
    OutlierDetector detector = states.cluster(REVIEWS, policy(50, null), hosts).outlierDetector();
    for (int i = 0; i < 5; i++) {
      detector.onResponse(hosts.get(0), 500);
    }
    assertThat(hosts.get(0).isHealthy()).isFalse();

    ClusterResilience without = states.cluster(REVIEWS, policy(null, null), hosts);
    assertThat(without.outlierDetector()).isNull();
    assertThat(hosts.get(0).isHealthy()).isTrue();
    assertThat(clock.pendingTasks()).isZero();
    assertThat(without.limiter().limits().unlimitedRequests()).isTrue();
  }

  @Test
  void closingStopsEverySweep() {
    states.cluster(REVIEWS, policy(50, null), OutlierDetectorTest.hosts(2));
    states.cluster(RATINGS, policy(50, null), OutlierDetectorTest.hosts(2));
    states.close();
    assertThat(clock.pendingTasks()).isZero();
  }
}
