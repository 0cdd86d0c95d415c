package dev.mesh4j.core.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.runtime.RandomSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Panic, ejection, rebuilds and the state a cluster keeps across balancers. */
class PanicAndStateTest {
  static final PickContext CTX = PickContext.of(RandomSource.seeded(5));

  static Stream<Arguments> algorithms() {
    return Stream.of(
        Arguments.of("ROUND_ROBIN", Fixtures.simple(SimpleLb.ROUND_ROBIN)),
        Arguments.of("ROUND_ROBIN weighted", Fixtures.simple(SimpleLb.ROUND_ROBIN)),
        Arguments.of("LEAST_REQUEST", null),
        Arguments.of("LEAST_REQUEST weighted", Fixtures.simple(SimpleLb.LEAST_CONN)),
        Arguments.of("RANDOM", Fixtures.simple(SimpleLb.RANDOM)),
        Arguments.of("RING_HASH", Fixtures.ringHash(1024)),
        Arguments.of("MAGLEV", Fixtures.maglev(65537)));
  }

  static List<UpstreamHost> hostsFor(String name, ClusterState state) {
    return name.endsWith("weighted") ? Fixtures.hosts(state, 1, 3, 2, 5) : Fixtures.hosts(state, 4);
  }

  @ParameterizedTest(name = "{0} of {1} healthy, threshold {2}%: panic {3}")
  @CsvSource({
      "0, 3, 0, false", // every host ejected, panic off: no host, 503 UH
      "0, 3, 50, true",
      "1, 3, 50, true",
      "1, 2, 50, false", // 50 % is not below 50
      "3, 4, 80, false", // 140 × 3/4 ≥ 100: Envoy never panics at 5/7 healthy or more
      "2, 3, 80, true",
      "4, 4, 100, false",
      "0, 0, 50, false"})
  void panicFollowsEnvoysRule(int healthy, int total, int threshold, boolean panic) {
    assertThat(Panic.inPanic(healthy, total, threshold)).isEqualTo(panic);
  }

  @Test
  void thresholdComesFromMinHealthPercent() {
    assertThat(LoadBalancers.panicThreshold(null)).isZero();
    assertThat(LoadBalancers.panicThreshold(
        new OutlierDetection(null, null, null, null, 5, null, null, 10, null))).isZero();
    assertThat(LoadBalancers.panicThreshold(
        new OutlierDetection(null, null, null, null, 5, null, null, 10, 60))).isEqualTo(60);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void ejectedHostsAreNeverPicked(String name, LoadBalancerSettings settings) {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = hostsFor(name, state);
    LoadBalancer lb = LoadBalancers.create(settings, 0, hosts, state);
    hosts.get(1).state().setEjected(true);
    Set<UpstreamHost> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      seen.add(lb.pick(CTX));
    }
    assertThat(seen).doesNotContain(hosts.get(1)).hasSize(3);
    assertThat(lb.inPanic()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void allEjectedWithoutPanicPicksNothing(String name, LoadBalancerSettings settings) {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = hostsFor(name, state);
    LoadBalancer lb = LoadBalancers.create(settings, 0, hosts, state);
    hosts.forEach(h -> h.state().setEjected(true));
    assertThat(lb.pick(CTX)).isNull();
    hosts.get(3).state().setEjected(false);
    assertThat(lb.pick(CTX)).isSameAs(hosts.get(3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void panicPicksFromAllHosts(String name, LoadBalancerSettings settings) {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = hostsFor(name, state);
    LoadBalancer lb = LoadBalancers.create(settings, 50, hosts, state);
    hosts.get(0).state().setEjected(true);
    hosts.get(1).state().setEjected(true);
    hosts.get(2).state().setEjected(true); // 25 % healthy < 50 %
    assertThat(lb.inPanic()).isTrue();
    Set<UpstreamHost> seen = new HashSet<>();
    for (int i = 0; i < 4000; i++) {
      seen.add(lb.pick(CTX));
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(hosts);
  }

  @Test
  void emptyClusterPicksNothing() {
    ClusterState state = Fixtures.cluster(1);
    assertThat(LoadBalancers.create(null, 0, List.of(), state).pick(CTX)).isNull();
    assertThat(LoadBalancers.create(Fixtures.maglev(7), 0, List.of(), state).pick(CTX)).isNull();
  }

  @Test
  void pendingRebuildWalksPastTheEjectedHost() {
    Queue<Runnable> rebuilds = new ArrayDeque<>();
    ClusterState state = new ClusterState(RandomSource.seeded(1), rebuilds::add);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 3);
    RingHashLoadBalancer lb =
        (RingHashLoadBalancer) LoadBalancers.create(Fixtures.ringHash(1024), 0, hosts, state);
    HashRing before = lb.table();
    hosts.get(0).state().setEjected(true);
    hosts.get(0).state().setEjected(false);
    hosts.get(0).state().setEjected(true);
    assertThat(rebuilds).as("rebuilds coalesce while one is pending").hasSize(1);
    assertThat(lb.table()).isSameAs(before);
    for (int i = 0; i < 1000; i++) {
      assertThat(lb.pick(CTX)).isNotSameAs(hosts.get(0));
    }
    rebuilds.poll().run();
    assertThat(lb.table()).isNotSameAs(before);
    assertThat(lb.table().hosts).containsExactly(hosts.get(1), hosts.get(2));
  }

  @Test
  void anotherClustersStateIsRejected() {
    ClusterState a = Fixtures.cluster(1);
    ClusterState b = Fixtures.cluster(2);
    assertThatThrownBy(() -> LoadBalancers.create(null, 0, Fixtures.hosts(a, 2), b))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stateSurvivesARebuildForAnOverlappingHostSet() {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> abc = Fixtures.hosts(state, 3);
    LoadBalancer first = LoadBalancers.create(null, 0, abc, state);
    abc.get(0).state().requestStarted();
    abc.get(0).state().requestStarted();
    abc.get(1).state().setEjected(true);

    // The next snapshot: host 2 left, host 3 joined; hosts are looked up again by address.
    List<UpstreamHost> all = Fixtures.hosts(state, 4);
    List<UpstreamHost> next = List.of(all.get(0), all.get(1), all.get(3));
    state.retain(Set.of(all.get(0).endpoint().hostPort(), all.get(1).endpoint().hostPort(),
        all.get(3).endpoint().hostPort()));
    LoadBalancer second = LoadBalancers.create(null, 0, next, state);

    assertThat(next.get(0).state()).isSameAs(abc.get(0).state());
    assertThat(next.get(0).activeRequests()).isEqualTo(2);
    assertThat(next.get(1).isHealthy()).isFalse();
    assertThat(next.get(2).activeRequests()).isZero();
    Set<UpstreamHost> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      seen.add(second.pick(CTX));
    }
    assertThat(seen).containsExactlyInAnyOrder(next.get(0), next.get(2));
    // The old balancer still works for requests in flight on the old snapshot.
    assertThat(first.pick(CTX)).isIn(abc.get(0), abc.get(2));
  }

  @Test
  void roundRobinContinuesAcrossRebuilds() {
    ClusterState state = Fixtures.cluster(7);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 4);
    LoadBalancer first = LoadBalancers.create(Fixtures.simple(SimpleLb.ROUND_ROBIN), 0, hosts, state);
    List<UpstreamHost> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      order.add(first.pick(CTX));
    }
    LoadBalancer second = LoadBalancers.create(Fixtures.simple(SimpleLb.ROUND_ROBIN), 0,
        Fixtures.hosts(state, 4), state);
    UpstreamHost next = second.pick(CTX);
    assertThat(next).isEqualTo(hosts.get((hosts.indexOf(order.get(2)) + 1) % 4));
  }

  @Test
  void avoidedHostsArePickedAgainUpToTheRetryLimit() {
    ClusterState state = Fixtures.cluster(3);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 3);
    LoadBalancer lb = LoadBalancers.create(Fixtures.simple(SimpleLb.RANDOM), 0, hosts, state);
    int[] asked = new int[1];
    PickContext avoidAll = new PickContext() {
      @Override
      public RandomSource random() {
        return RandomSource.seeded(1);
      }

      @Override
      public boolean shouldAvoid(UpstreamHost host) {
        asked[0]++;
        return true;
      }
    };
    assertThat(lb.pick(avoidAll)).isNotNull();
    assertThat(asked[0]).isEqualTo(1 + PickContext.DEFAULT_HOST_SELECTION_RETRIES);
    PickContext avoidFirst = new PickContext() {
      @Override
      public RandomSource random() {
        return RandomSource.seeded(2);
      }

      @Override
      public boolean shouldAvoid(UpstreamHost host) {
        return host == hosts.get(0);
      }
    };
    for (int i = 0; i < 200; i++) {
      assertThat(lb.pick(avoidFirst)).isNotSameAs(hosts.get(0));
    }
  }

  @Test
  void factoryMapsSettingsToAlgorithms() {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 2);
    assertThat(LoadBalancers.create(null, 0, hosts, state).name()).isEqualTo("LEAST_REQUEST");
    assertThat(LoadBalancers.create(Fixtures.simple(SimpleLb.UNSPECIFIED), 0, hosts, state).name())
        .isEqualTo("LEAST_REQUEST");
    assertThat(LoadBalancers.create(Fixtures.simple(SimpleLb.LEAST_CONN), 0, hosts, state).name())
        .isEqualTo("LEAST_REQUEST");
    assertThat(LoadBalancers.create(Fixtures.simple(SimpleLb.ROUND_ROBIN), 0, hosts, state).name())
        .isEqualTo("ROUND_ROBIN");
    assertThat(LoadBalancers.create(Fixtures.simple(SimpleLb.RANDOM), 0, hosts, state).name())
        .isEqualTo("RANDOM");
    assertThat(LoadBalancers.create(Fixtures.ringHash(64), 0, hosts, state).name())
        .isEqualTo("RING_HASH");
    assertThat(LoadBalancers.create(Fixtures.maglev(13), 0, hosts, state).name())
        .isEqualTo("MAGLEV");
    assertThat(LoadBalancers.isPassthrough(Fixtures.simple(SimpleLb.PASSTHROUGH))).isTrue();
    assertThat(LoadBalancers.isPassthrough(null)).isFalse();
    assertThatThrownBy(() -> LoadBalancers.create(Fixtures.simple(SimpleLb.PASSTHROUGH), 0, hosts,
        state)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LoadBalancers.create(Fixtures.maglev(65536), 0, hosts, state))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LoadBalancers.create(null, 101, hosts, state))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
