package dev.mesh4j.core.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import dev.mesh4j.api.config.LocalityLbSetting;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.TrafficDistribution;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.lb.hash.RequestHash;
import dev.mesh4j.core.testing.Binomial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code localityLbSetting}: the priorities and locality weights istiod gives endpoints for one
 * workload ({@code loadbalancer.go}), and how the balancers spill over between them as Envoy does.
 */
class LocalityLoadBalancingTest {
  static final Workload IN_R1_Z1_S1 = Workload.builder().locality("r1/z1/s1").build();

  static List<UpstreamHost> hosts(ClusterState state, String... localities) {
    List<UpstreamHost> out = new ArrayList<>();
    for (int i = 0; i < localities.length; i++) {
      String l = localities[i].isEmpty() ? null : localities[i];
      out.add(UpstreamHost.of(new Endpoint(Fixtures.address(i), 9080, Map.of(), 1, l), state));
    }
    return out;
  }

  static int[] priorities(PriorityPlan plan, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = plan.priority(i);
    }
    return out;
  }

  @Test
  void defaultFailoverRanksBySubzoneZoneRegionThenOthers() {
    List<UpstreamHost> hosts = hosts(Fixtures.cluster(1), "r1/z1/s1", "r1/z1/s2", "r1/z2", "r2/z3", "");
    PriorityPlan plan = PriorityPlan.of(null, true, IN_R1_Z1_S1, hosts);
    assertThat(priorities(plan, 5)).containsExactly(0, 1, 2, 3, 3);
    assertThat(plan.localityWeighted()).as("Istio sets no locality_weighted_lb_config by default").isFalse();
  }

  @Test
  void prioritiesAreCompactedWhenALevelIsEmpty() {
    List<UpstreamHost> hosts = hosts(Fixtures.cluster(1), "r2/z9", "r1/z1/s1", "r1/z2");
    PriorityPlan plan = PriorityPlan.of(null, true, IN_R1_Z1_S1, hosts);
    assertThat(priorities(plan, 3)).containsExactly(2, 0, 1);
  }

  @Test
  void failoverNeedsOutlierDetectionAndCanBeTurnedOff() {
    List<UpstreamHost> hosts = hosts(Fixtures.cluster(1), "r1/z1/s1", "r2/z3");
    assertThat(PriorityPlan.of(null, false, IN_R1_Z1_S1, hosts).isSingle()).isTrue();
    assertThat(PriorityPlan.of(LocalityLbSetting.builder().enabled(false).build(), true, IN_R1_Z1_S1, hosts)
        .isSingle()).isTrue();
    // All in the workload's own locality: one priority, nothing to do.
    assertThat(PriorityPlan.of(null, true, IN_R1_Z1_S1, hosts(Fixtures.cluster(1), "r1/z1/s1", "r1/z1/s1"))
        .isSingle()).isTrue();
  }

  @Test
  void regionFailoverPutsItsTargetBeforeOtherRegions() {
    List<UpstreamHost> hosts = hosts(Fixtures.cluster(1), "r1/z1/s1", "r2/z1", "r3/z1", "r1/z5");
    LocalityLbSetting setting = LocalityLbSetting.builder().failover(failover("r1", "r3")).build();
    PriorityPlan plan = PriorityPlan.of(setting, true, IN_R1_Z1_S1, hosts);
    // ranks 0, 4, 3, 2 → compacted
    assertThat(priorities(plan, 4)).containsExactly(0, 3, 2, 1);
    assertThat(plan.localityWeighted()).isTrue();
  }

  @Test
  void failoverPriorityRanksByMatchingLabelsInOrder() {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = new ArrayList<>();
    String[][] labels = {{"a", "b"}, {"a", "x"}, {"x", "b"}, {"x", "x"}};
    for (int i = 0; i < labels.length; i++) {
      hosts.add(UpstreamHost.of(new Endpoint(Fixtures.address(i), 9080,
          Map.of("k1", labels[i][0], "k2", labels[i][1]), 1, "r9/z9"), state));
    }
    Workload w = Workload.builder().label("k1", "a").label("k2", "b").locality("r1/z1").build();
    LocalityLbSetting setting = LocalityLbSetting.builder().failoverPriority("k1", "k2").build();
    assertThat(priorities(PriorityPlan.of(setting, true, w, hosts), 4)).containsExactly(0, 1, 2, 2);
    // label=value compares with the value given, not the workload's
    LocalityLbSetting pinned = LocalityLbSetting.builder().failoverPriority("k1=x", "k2").build();
    assertThat(priorities(PriorityPlan.of(pinned, true, w, hosts), 4)).containsExactly(2, 2, 0, 1);
  }

  @Test
  void failoverPriorityReadsTopologyLabelsFromTheEndpointsLocality() {
    List<UpstreamHost> hosts = hosts(Fixtures.cluster(1), "r1/z2", "r1/z1", "r2/z1");
    LocalityLbSetting setting = LocalityLbSetting.builder()
        .failoverPriority(Workload.REGION_LABEL, Workload.ZONE_LABEL).build();
    assertThat(priorities(PriorityPlan.of(setting, true, IN_R1_Z1_S1, hosts), 3)).containsExactly(1, 0, 2);
  }

  @Test
  void preferSameZoneRanksZoneThenRegionThenTheRestEvenWithoutOutlierDetection() {
    List<UpstreamHost> hosts = hosts(Fixtures.cluster(1), "r2/z3", "r1/z1/s2", "r1/z2", "r1/z1/s1", "");
    PriorityPlan plan = PriorityPlan.of(null, TrafficDistribution.PREFER_SAME_ZONE, false, IN_R1_Z1_S1, hosts);
    // Network, region, zone: the subzone does not count (Istio 1.27+); no locality ranks last.
    assertThat(priorities(plan, 5)).containsExactly(2, 0, 1, 0, 2);
    assertThat(plan.localityWeighted()).as("failoverPriority with failover forced").isTrue();
    // Without it, nothing prefers anything here (no outlier detection, the mesh default).
    assertThat(PriorityPlan.of(null, TrafficDistribution.ANY, false, IN_R1_Z1_S1, hosts).isSingle()).isTrue();
  }

  @Test
  void preferSameNodeRanksNodeSubzoneZoneRegion() {
    ClusterState state = Fixtures.cluster(1);
    String[][] where = {{"r1/z1/s1", "n1"}, {"r1/z1/s1", "n2"}, {"r1/z1/s2", "n3"}, {"r1/z2/s1", "n4"},
        {"r2/z1/s1", "n5"}};
    List<UpstreamHost> hosts = new ArrayList<>();
    for (int i = 0; i < where.length; i++) {
      hosts.add(UpstreamHost.of(new Endpoint(Fixtures.address(i), 9080, Map.of("kubernetes.io/hostname", where[i][1]),
          1, where[i][0]), state));
    }
    Workload onN1 = Workload.builder().locality("r1/z1/s1").label("kubernetes.io/hostname", "n1").build();
    PriorityPlan plan = PriorityPlan.of(null, TrafficDistribution.PREFER_SAME_NODE, false, onN1, hosts);
    assertThat(priorities(plan, 5)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void aDestinationRulesLocalityLbSettingWinsOverTrafficDistribution() {
    List<UpstreamHost> hosts = hosts(Fixtures.cluster(1), "r1/z1/s1", "r1/z2", "r2/z3");
    assertThat(PriorityPlan.of(LocalityLbSetting.builder().enabled(false).build(), TrafficDistribution.PREFER_SAME_ZONE,
        false, IN_R1_Z1_S1, hosts).isSingle()).as("enabled: false turns both off").isTrue();
    // A setting without outlier detection: no failover, whatever the service prefers.
    assertThat(PriorityPlan.of(LocalityLbSetting.builder().build(), TrafficDistribution.PREFER_SAME_ZONE, false,
        IN_R1_Z1_S1, hosts).isSingle()).isTrue();
  }

  @Test
  void theWorkloadsTopologyLabelsFollowFromItsIstioLocalityLabel() {
    List<UpstreamHost> hosts = hosts(Fixtures.cluster(1), "r2/z1", "r1/z1");
    Workload byLabel = Workload.builder().label("istio-locality", "r1.z1").label("app", "web").build();
    PriorityPlan plan = PriorityPlan.of(null, TrafficDistribution.PREFER_SAME_ZONE, false, byLabel, hosts);
    assertThat(priorities(plan, 2)).containsExactly(1, 0);
  }

  @Test
  void distributeWeighsLocalitiesAndDropsTheOthers() {
    List<UpstreamHost> hosts = hosts(Fixtures.cluster(1), "r1/z1/s1", "r1/z1/s1", "r1/z2/a", "r2/z3/a");
    LocalityLbSetting setting = LocalityLbSetting.builder()
        .distribute(distribute("r1/z1/*", Map.of("r1/z1/*", 80, "r1/z2/*", 20))).build();
    PriorityPlan plan = PriorityPlan.of(setting, false, IN_R1_Z1_S1, hosts);
    assertThat(priorities(plan, 4)).containsExactly(0, 0, 0, -1);
    assertThat(plan.groupWeight(plan.group(0))).isEqualTo(80); // ceil(2 × 80 / 2)
    assertThat(plan.groupWeight(plan.group(2))).isEqualTo(20);
    // A wildcard destination shares its percent by the localities' own weights, rounded up.
    PriorityPlan wide = PriorityPlan.of(LocalityLbSetting.builder().distribute(distribute("r1/*", Map.of("r1/*", 100))).build(),
        false, IN_R1_Z1_S1, hosts);
    assertThat(wide.groupWeight(wide.group(0))).isEqualTo(67); // ceil(2 × 100 / 3)
    assertThat(wide.groupWeight(wide.group(2))).isEqualTo(34); // ceil(1 × 100 / 3)
    // A workload no entry is from keeps every locality at its own weight.
    PriorityPlan other = PriorityPlan.of(setting, false, Workload.builder().locality("r5").build(), hosts);
    assertThat(priorities(other, 4)).containsExactly(0, 0, 0, 0);
    assertThat(other.groupWeight(other.group(0))).isEqualTo(2);
  }

  @Test
  void workloadLocalityComesFromTopologyLabelsOrIstioLocality() {
    assertThat(Workload.builder().locality("r1/z1").build().locality()).isEqualTo("r1/z1/");
    assertThat(Workload.builder().label("istio-locality", "r1.z1.s1").build().locality()).isEqualTo("r1/z1/s1");
    assertThat(Workload.builder().label("topology.istio.io/locality", "r1.z2").build().locality()).isEqualTo("r1/z2");
    assertThat(Workload.defaults().locality()).isNull();
    assertThat(Workload.builder().locality("/z1").build().locality()).as("a zone-only node's").isEqualTo("/z1/");
    Endpoint e = new Endpoint("10.0.0.1", 80, Map.of(Workload.ZONE_LABEL, "z1", Workload.REGION_LABEL, "r1"), 1, null);
    assertThat(PriorityPlan.locality(e)).isEqualTo("r1/z1/");
  }

  @ParameterizedTest
  @EnumSource(value = SimpleLb.class, names = {"ROUND_ROBIN", "LEAST_REQUEST", "RANDOM"})
  void trafficStaysInTheBestPriorityAndSpillsOverAsItsHostsAreEjected(SimpleLb algorithm) {
    ClusterState state = Fixtures.cluster(3);
    List<UpstreamHost> hosts = hosts(state, "r1/z1/s1", "r1/z1/s1", "r1/z2/a", "r1/z2/a", "r2/z3/a", "r2/z3/a");
    LoadBalancer lb = balancer(algorithm, null, true, hosts, state);
    PickContext ctx = PickContext.of(RandomSource.seeded(11));
    assertThat(shares(lb, ctx, 2000)).containsOnlyKeys("r1/z1/s1");
    // Half of P0 gone: health 70, so 70 % stay and 30 % spill to P1.
    hosts.get(0).state().setEjected(true);
    Map<String, Integer> half = shares(lb, ctx, 10_000);
    assertThat(half).containsOnlyKeys("r1/z1/s1", "r1/z2/a");
    assertThat(Binomial.plausible(half.get("r1/z1/s1"), 10_000, 0.70)).as("%s", half).isTrue();
    // P0 gone: all to P1 (same region); then P1 gone too: all to P2.
    hosts.get(1).state().setEjected(true);
    assertThat(shares(lb, ctx, 2000)).containsOnlyKeys("r1/z2/a");
    hosts.get(2).state().setEjected(true);
    hosts.get(3).state().setEjected(true);
    assertThat(shares(lb, ctx, 2000)).containsOnlyKeys("r2/z3/a");
    // Everything ejected, panic off: no host.
    hosts.get(4).state().setEjected(true);
    hosts.get(5).state().setEjected(true);
    assertThat(lb.pick(ctx)).isNull();
    // P0 back: all traffic returns to it.
    hosts.get(0).state().setEjected(false);
    hosts.get(1).state().setEjected(false);
    assertThat(shares(lb, ctx, 2000)).containsOnlyKeys("r1/z1/s1");
  }

  @ParameterizedTest
  @EnumSource(value = SimpleLb.class, names = {"ROUND_ROBIN", "LEAST_REQUEST", "RANDOM"})
  void distributeSplitsByLocalityWeightWhateverTheHostCounts(SimpleLb algorithm) {
    ClusterState state = Fixtures.cluster(4);
    List<UpstreamHost> hosts = hosts(state, "r1/z1/a", "r1/z1/a", "r1/z1/a", "r1/z2/a");
    LocalityLbSetting setting = LocalityLbSetting.builder()
        .distribute(distribute("r1/z1/*", Map.of("r1/z1/*", 25, "r1/z2/*", 75))).build();
    LoadBalancer lb = balancer(algorithm, setting, false, hosts,
        state);
    PickContext ctx = PickContext.of(RandomSource.seeded(12));
    Map<String, Integer> s = shares(lb, ctx, 10_000);
    assertThat(Binomial.plausible(s.get("r1/z2/a"), 10_000, 0.75)).as("%s", s).isTrue();
    // One of z1's three hosts ejected: z1's effective weight is 25 × min(1, 1.4 × 2/3) = 23.33.
    hosts.get(0).state().setEjected(true);
    Map<String, Integer> t = shares(lb, ctx, 10_000);
    assertThat(Binomial.plausible(t.get("r1/z2/a"), 10_000, 75 / (75 + 25 * 1.4 * 2 / 3))).as("%s", t).isTrue();
  }

  @Test
  void hashingBalancersDrawThePriorityFromTheHash() {
    ClusterState state = Fixtures.cluster(5);
    List<UpstreamHost> hosts = hosts(state, "r1/z1/s1", "r1/z1/s1", "r2/z3/a", "r2/z3/a");
    LoadBalancer lb = LoadBalancers.create(Fixtures.ringHash(1024), 0, hosts, state,
        PriorityPlan.of(null, true, IN_R1_Z1_S1, hosts));
    hosts.get(0).state().setEjected(true); // P0 health 70: hashes 1..70 (of % 100 + 1) stay
    RandomSource random = RandomSource.seeded(1);
    for (long hash = 0; hash < 200; hash++) {
      PickContext ctx = PickContext.of(random, RequestHash.of(hash));
      UpstreamHost h = lb.pick(ctx);
      String expected = hash % 100 + 1 <= 70 ? "r1/z1/s1" : "r2/z3/a";
      assertThat(h.endpoint().locality()).as("hash %d", hash).isEqualTo(expected);
      assertThat(lb.pick(ctx)).as("the same hash, the same host").isSameAs(h);
    }
  }

  static LocalityLbSetting.Distribute.Builder distribute(String from, Map<String, Integer> to) {
    return LocalityLbSetting.Distribute.builder().from(from).to(to);
  }

  static LocalityLbSetting.Failover.Builder failover(String from, String to) {
    return LocalityLbSetting.Failover.builder().from(from).to(to);
  }

  static LoadBalancer balancer(SimpleLb algorithm, LocalityLbSetting setting, boolean outlier,
      List<UpstreamHost> hosts, ClusterState state) {
    LoadBalancerSettings settings = LoadBalancerSettings.builder().simple(algorithm).build();
    return LoadBalancers.create(settings, 0, hosts, state,
        PriorityPlan.of(setting, outlier, IN_R1_Z1_S1, hosts));
  }

  static Map<String, Integer> shares(LoadBalancer lb, PickContext ctx, int n) {
    Map<String, Integer> out = new HashMap<>();
    for (int i = 0; i < n; i++) {
      UpstreamHost h = lb.pick(ctx);
      h.state().requestStarted(); // in flight, then done: least request sees no lasting load
      h.state().requestEnded();
      out.merge(h.endpoint().locality(), 1, Integer::sum);
    }
    return out;
  }
}
