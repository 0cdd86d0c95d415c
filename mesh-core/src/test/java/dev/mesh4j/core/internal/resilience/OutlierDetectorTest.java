package dev.mesh4j.core.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.internal.lb.ClusterState;
import dev.mesh4j.core.internal.lb.EndpointState;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.resilience.OutlierDetector.LocalOrigin;
import dev.mesh4j.core.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Envoy's consecutive-error outlier detection as Istio configures it, in virtual time. */
class OutlierDetectorTest {
  private final FakeClock clock = new FakeClock();
  private OutlierDetector detector;

  @AfterEach
  void close() {
    if (detector != null) {
      detector.close();
    }
  }

  /** An {@code outlierDetection} block; null fields take Istio's defaults. */
  static OutlierDetection od(Integer consecutive5xx, Integer gateway, Boolean split, Integer localOrigin,
      Integer maxEjectionPercent) {
    return new OutlierDetection(null, split, localOrigin, gateway, consecutive5xx, null, null,
        maxEjectionPercent, null);
  }

  static OutlierDetection defaults() {
    return od(null, null, null, null, null);
  }

  static List<UpstreamHost> hosts(int n) {
    List<UpstreamHost> out = new ArrayList<>();
    ClusterState cluster = new ClusterState(dev.mesh4j.api.runtime.RandomSource.seeded(1));
    for (int i = 1; i <= n; i++) {
      out.add(UpstreamHost.of(Endpoint.of("10.0.0." + i, 9080), cluster));
    }
    return out;
  }

  private List<UpstreamHost> start(OutlierDetection od, int hosts) {
    List<UpstreamHost> h = hosts(hosts);
    detector = new OutlierDetector("outbound|9080||reviews", OutlierSettings.of(od), h, clock, clock);
    return h;
  }

  private void respond(UpstreamHost h, int status, int times) {
    for (int i = 0; i < times; i++) {
      detector.onResponse(h, status);
    }
  }

  private void fail(UpstreamHost h, LocalOrigin kind, int times) {
    for (int i = 0; i < times; i++) {
      detector.onLocalOriginFailure(h, kind);
    }
  }

  private OutlierDetector.HostStatus status(UpstreamHost h) {
    return detector.host(h);
  }

  @Test
  void ejectsAtTheFifthConsecutive5xxByDefaultAndNotBefore() {
    UpstreamHost h = start(defaults(), 10).get(0);
    respond(h, 500, 4);
    assertThat(h.isHealthy()).isTrue();
    assertThat(status(h).consecutive5xx()).isEqualTo(4);

    detector.onResponse(h, 500);
    assertThat(h.state().isEjected()).as("ejected at once, not at the next sweep").isTrue();
    assertThat(status(h).ejected()).isTrue();
    assertThat(status(h).consecutive5xx()).as("reset after the ejection").isZero();
    assertThat(detector.ejectedCount()).isEqualTo(1);
  }

  @Test
  void anyNon5xxResponseResetsTheRun() {
    UpstreamHost h = start(defaults(), 10).get(0);
    respond(h, 503, 4);
    detector.onResponse(h, 200);
    respond(h, 500, 4);
    detector.onResponse(h, 404);
    respond(h, 502, 4);
    assertThat(h.isHealthy()).isTrue();
    detector.onResponse(h, 599);
    assertThat(h.isHealthy()).isFalse();
  }

  @Test
  void consecutive5xxErrorsZeroDisablesThatDetector() {
    UpstreamHost h = start(od(0, null, null, null, null), 10).get(0);
    respond(h, 500, 50);
    respond(h, 503, 50);
    assertThat(h.isHealthy()).isTrue();
  }

  @Test
  void gatewayErrorsEjectWhenConsecutiveGatewayErrorsIsSet() {
    List<UpstreamHost> hosts = start(od(0, 3, null, null, 50), 4);
    UpstreamHost a = hosts.get(0);
    UpstreamHost b = hosts.get(1);
    respond(a, 502, 2);
    detector.onResponse(a, 500); // a 5xx that is not a gateway error breaks the run
    respond(a, 504, 2);
    assertThat(a.isHealthy()).isTrue();
    detector.onResponse(a, 503);
    assertThat(a.isHealthy()).isFalse();

    respond(b, 500, 10);
    assertThat(b.isHealthy()).as("500 is not a gateway error").isTrue();
  }

  @Test
  void gatewayErrorsAreOffUnlessSet() {
    UpstreamHost h = start(od(10, null, null, null, null), 10).get(0);
    respond(h, 503, 9);
    assertThat(h.isHealthy()).isTrue();
    detector.onResponse(h, 503);
    assertThat(h.isHealthy()).as("ejected by the 5xx detector only").isFalse();
  }

  @Test
  void deprecatedConsecutiveErrorsMeansGatewayErrorsOnly() {
    OutlierDetection od = new OutlierDetection(2, null, null, null, null, null, null, 50, null);
    List<UpstreamHost> hosts = start(od, 4);
    respond(hosts.get(0), 500, 10);
    assertThat(hosts.get(0).isHealthy()).isTrue();
    respond(hosts.get(1), 503, 2);
    assertThat(hosts.get(1).isHealthy()).isFalse();
  }

  @Test
  void localOriginFailuresCountAs503And504UnlessSplit() {
    List<UpstreamHost> hosts = start(od(null, 2, null, null, 50), 4);
    UpstreamHost a = hosts.get(0);
    respond(a, 500, 3);
    fail(a, LocalOrigin.CONNECT_FAILURE, 1); // a 503: gateway run 1, 5xx run 4
    assertThat(a.isHealthy()).isTrue();
    fail(a, LocalOrigin.TIMEOUT, 1); // a 504: gateway run 2 → ejected
    assertThat(a.isHealthy()).isFalse();

    UpstreamHost b = hosts.get(1);
    fail(b, LocalOrigin.RESET, 1);
    detector.onLocalOriginSuccess(b); // a connection made: no effect without split
    fail(b, LocalOrigin.CONNECT_TIMEOUT, 1);
    assertThat(b.isHealthy()).isFalse();
  }

  @Test
  void withSplitLocalOriginFailuresCountOnlyInTheirOwnCounter() {
    List<UpstreamHost> hosts = start(od(null, 1, true, 3, 50), 4);
    UpstreamHost a = hosts.get(0);
    fail(a, LocalOrigin.CONNECT_FAILURE, 2);
    assertThat(status(a).consecutive5xx()).isZero();
    assertThat(status(a).consecutiveGateway()).as("no gateway error counted").isZero();
    assertThat(status(a).consecutiveLocalOrigin()).isEqualTo(2);
    detector.onLocalOriginSuccess(a); // a successful connection resets the run
    fail(a, LocalOrigin.TIMEOUT, 2);
    assertThat(a.isHealthy()).isTrue();
    detector.onResponse(a, 200); // a response does not reset the local-origin run
    fail(a, LocalOrigin.RESET, 1);
    assertThat(a.isHealthy()).isFalse();

    UpstreamHost b = hosts.get(1);
    respond(b, 500, 4);
    fail(b, LocalOrigin.CONNECT_FAILURE, 2);
    assertThat(status(b).consecutive5xx()).isEqualTo(4);
    assertThat(b.isHealthy()).isTrue();
  }

  @Test
  void splitLocalOriginFailuresDefaultToFive() {
    UpstreamHost h = start(od(null, null, true, null, 50), 4).get(0);
    fail(h, LocalOrigin.CONNECT_FAILURE, 4);
    assertThat(h.isHealthy()).isTrue();
    fail(h, LocalOrigin.CONNECT_FAILURE, 1);
    assertThat(h.isHealthy()).isFalse();
  }

  @Test
  void theDefaultTenPercentNeverEjectsInAClusterOfFewerThanTenEndpoints() {
    List<UpstreamHost> hosts = start(defaults(), 9);
    for (UpstreamHost h : hosts) {
      respond(h, 500, 5);
    }
    assertThat(hosts).allMatch(UpstreamHost::isHealthy);
    assertThat(detector.settings().maxEjectable(9)).isZero();
    assertThat(status(hosts.get(0)).consecutive5xx()).as("reset after the refused ejection").isZero();
  }

  @Test
  void theDefaultTenPercentEjectsOneOfTen() {
    List<UpstreamHost> hosts = start(defaults(), 10);
    respond(hosts.get(0), 500, 5);
    respond(hosts.get(1), 500, 5);
    assertThat(hosts.get(0).isHealthy()).isFalse();
    assertThat(hosts.get(1).isHealthy()).isTrue();
  }

  @Test
  void fiftyPercentOfFourEjectsTwoNotThree() {
    List<UpstreamHost> hosts = start(od(null, null, null, null, 50), 4);
    for (UpstreamHost h : hosts) {
      respond(h, 500, 5);
    }
    assertThat(hosts.stream().filter(h -> !h.isHealthy())).hasSize(2);
    assertThat(detector.ejectedCount()).isEqualTo(2);
  }

  @Test
  void ejectionTimeGrowsWithEachRelapseAndReturnsOnlyAtSweeps() {
    UpstreamHost h = start(od(null, null, null, null, 50), 2).get(0);
    respond(h, 500, 5); // t = 0
    assertThat(ejectionLasted(h)).isEqualTo(Duration.ofSeconds(30));
    assertThat(status(h).multiplier()).isEqualTo(1);

    respond(h, 500, 5); // relapses right after returning
    assertThat(ejectionLasted(h)).isEqualTo(Duration.ofSeconds(60));
    respond(h, 500, 5);
    assertThat(status(h).multiplier()).isEqualTo(3);
    assertThat(status(h).remaining()).isEqualTo(Duration.ofSeconds(90));
    assertThat(ejectionLasted(h)).isEqualTo(Duration.ofSeconds(90));
    assertThat(status(h).ejections()).isEqualTo(3);
  }

  @Test
  void theMultiplierDecaysOneStepPerHealthyInterval() {
    UpstreamHost h = start(od(null, null, null, null, 50), 2).get(0);
    for (int i = 0; i < 3; i++) {
      respond(h, 500, 5);
      ejectionLasted(h);
    }
    assertThat(status(h).multiplier()).isEqualTo(3);
    clock.advance(Duration.ofSeconds(10));
    assertThat(status(h).multiplier()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(status(h).multiplier()).isEqualTo(1);

    respond(h, 500, 5); // the next ejection is one step up from the decayed multiplier
    assertThat(ejectionLasted(h)).isEqualTo(Duration.ofSeconds(60));
    clock.advance(Duration.ofSeconds(30));
    assertThat(status(h).multiplier()).isZero();
    clock.advance(Duration.ofSeconds(30));
    assertThat(status(h).multiplier()).as("never below zero").isZero();
    respond(h, 500, 5);
    assertThat(ejectionLasted(h)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void ejectionTimeIsCappedAtThreeHundredSeconds() {
    UpstreamHost h = start(od(null, null, null, null, 50), 2).get(0);
    List<Duration> times = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      respond(h, 500, 5);
      times.add(ejectionLasted(h));
    }
    assertThat(times.subList(0, 10)).extracting(Duration::toSeconds)
        .containsExactly(30L, 60L, 90L, 120L, 150L, 180L, 210L, 240L, 270L, 300L);
    assertThat(times.subList(10, 12)).containsOnly(Duration.ofSeconds(300));
    assertThat(status(h).multiplier()).as("stops growing once base × k reaches max + base").isEqualTo(11);
  }

  @Test
  void anEjectedEndpointReturnsAtTheFirstSweepAfterItsTimeIsUp() {
    OutlierDetection od = new OutlierDetection(null, null, null, null, null, Duration.ofSeconds(10),
        Duration.ofSeconds(25), 50, null);
    List<UpstreamHost> hosts = hosts(2);
    detector = new OutlierDetector("c", OutlierSettings.of(od), hosts, clock, clock);
    UpstreamHost h = hosts.get(0);
    clock.advance(Duration.ofSeconds(3));
    respond(h, 500, 5); // ejected at t = 3s, time up at 28s
    clock.advance(Duration.ofSeconds(25));
    assertThat(h.isHealthy()).as("time is up, but no sweep has run since").isFalse();
    clock.advance(Duration.ofMillis(1999));
    assertThat(h.isHealthy()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(h.isHealthy()).as("the sweep at t = 30s").isTrue();
    assertThat(status(h).consecutive5xx()).isZero();
  }

  @Test
  void anEjectedEndpointIgnoresFurtherTriggersUntilItReturns() {
    UpstreamHost h = start(od(null, 3, null, null, 50), 2).get(0);
    respond(h, 503, 3); // the gateway detector ejects
    respond(h, 503, 10); // still ejected (e.g. traffic in panic mode): nothing changes
    assertThat(status(h).ejections()).isEqualTo(1);
    assertThat(status(h).multiplier()).isEqualTo(1);
    assertThat(detector.ejectedCount()).isEqualTo(1);
  }

  @Test
  void endpointsThatLeaveAreForgottenAndFreeTheirShareOfTheCap() {
    List<UpstreamHost> hosts = start(od(null, null, null, null, 50), 4);
    respond(hosts.get(0), 500, 5);
    respond(hosts.get(1), 500, 5);
    assertThat(detector.ejectedCount()).isEqualTo(2);

    detector.updateHosts(hosts.subList(1, 4));
    assertThat(detector.hosts()).extracting(OutlierDetector.HostStatus::hostPort)
        .containsExactly("10.0.0.2:9080", "10.0.0.3:9080", "10.0.0.4:9080");
    assertThat(detector.ejectedCount()).isEqualTo(1);
    detector.onResponse(hosts.get(0), 500); // a late report for a departed endpoint is ignored

    respond(hosts.get(2), 500, 5); // 2 of 3 would be 67% > 50%
    assertThat(hosts.get(2).isHealthy()).isTrue();
  }

  @Test
  void aReplacedEndpointStateInheritsTheEjection() {
    List<UpstreamHost> hosts = start(od(null, null, null, null, 50), 2);
    respond(hosts.get(0), 500, 5);
    UpstreamHost again = UpstreamHost.of(hosts.get(0).endpoint(),
        new ClusterState(dev.mesh4j.api.runtime.RandomSource.seeded(2)));
    detector.updateHosts(List.of(again, hosts.get(1)));
    assertThat(again.isHealthy()).isFalse();
    clock.advance(Duration.ofSeconds(30));
    assertThat(again.isHealthy()).isTrue();
  }

  @Test
  void closingStopsTheSweepAndReturnsEjectedEndpoints() {
    List<UpstreamHost> hosts = start(od(null, null, null, null, 50), 2);
    assertThat(clock.pendingTasks()).isEqualTo(1);
    respond(hosts.get(0), 500, 5);
    detector.close();
    assertThat(clock.pendingTasks()).isZero();
    assertThat(hosts.get(0).isHealthy()).isTrue();
    respond(hosts.get(1), 500, 5);
    assertThat(hosts.get(1).isHealthy()).as("a closed detector ejects nothing").isTrue();
  }

  @Test
  void settingsFollowIstioDefaults() {
    OutlierSettings s = OutlierSettings.of(defaults());
    assertThat(s.consecutive5xx()).isEqualTo(5);
    assertThat(s.consecutiveGateway()).isZero();
    assertThat(s.splitLocalOrigin()).isFalse();
    assertThat(s.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.baseEjectionTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.maxEjectionTime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.maxEjectionPercent()).isEqualTo(10);
    assertThat(s.minHealthPercent()).isZero();
    assertThat(OutlierSettings.of(od(null, null, null, null, 0)).maxEjectionPercent())
        .as("istiod passes only values above 0").isEqualTo(10);
    OutlierDetection longBase = new OutlierDetection(null, null, null, null, null, null,
        Duration.ofSeconds(600), null, null);
    assertThat(OutlierSettings.of(longBase).maxEjectionTime()).isEqualTo(Duration.ofSeconds(600));
  }

  /** Advances in sweep steps until the ejected host returns; how long it was out. */
  private Duration ejectionLasted(UpstreamHost h) {
    assertThat(h.isHealthy()).as("ejected").isFalse();
    Duration step = detector.settings().interval();
    Duration out = Duration.ZERO;
    for (int i = 0; i < 100 && !h.isHealthy(); i++) {
      clock.advance(step);
      out = out.plus(step);
    }
    assertThat(h.isHealthy()).as("returned").isTrue();
    return out;
  }
}
