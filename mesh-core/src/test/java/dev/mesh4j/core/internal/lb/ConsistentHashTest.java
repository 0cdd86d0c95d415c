package dev.mesh4j.core.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.ConsistentHashLb.HttpCookie;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.lb.hash.RequestHash;
import dev.mesh4j.core.internal.lb.hash.RequestHasher;
import dev.mesh4j.core.internal.lb.hash.XxHash64;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Consistent-hash behaviour end to end (request hasher, then ring or table): stickiness, key
 * movement when an endpoint is added, balance, and ejected endpoints. Figures are printed to
 * the test output (target/surefire-reports/…-output.txt).
 */
class ConsistentHashTest {
  static final RandomSource RANDOM = RandomSource.seeded(9);
  static final int KEYS = 100_000;

  static LoadBalancerSettings settings(ConsistentHashLb hash) {
    return new LoadBalancerSettings(null, hash, null, null);
  }

  /** Each of 1,000 keys lands on one endpoint across 20 picks, and keys spread over all. */
  static void assertSticky(LoadBalancerSettings settings, IntFunction<RequestHash> hashOfKey) {
    ClusterState state = Fixtures.cluster(3);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 5);
    LoadBalancer lb = LoadBalancers.create(settings, 0, hosts, state);
    Set<UpstreamHost> used = new HashSet<>();
    for (int k = 0; k < 1000; k++) {
      RequestHash hash = hashOfKey.apply(k);
      assertThat(hash.present()).isTrue();
      PickContext ctx = PickContext.of(RANDOM, hash);
      UpstreamHost first = lb.pick(ctx);
      for (int i = 1; i < 20; i++) {
        assertThat(lb.pick(ctx)).as("key %d pick %d", k, i).isSameAs(first);
      }
      used.add(first);
    }
    assertThat(used).containsExactlyInAnyOrderElementsOf(hosts);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void headerCookieQueryAndSourceIpKeysAreSticky(boolean maglev) {
    ConsistentHashLb header = new ConsistentHashLb("x-user", null, false, null, null, maglev ? 65537L : null, maglev);
    RequestHasher h = RequestHasher.of(settings(header), "10.0.0.9");
    assertSticky(settings(header), k -> h.hash(
        MeshRequest.builder("http://svc/").header("x-user", "user-" + k).build(), RANDOM));

    ConsistentHashLb cookie = new ConsistentHashLb(null,
        new HttpCookie("sid", "/", Duration.ofHours(1), List.of()), false, null, null,
        maglev ? 65537L : null, maglev);
    RequestHasher c = RequestHasher.of(settings(cookie), "10.0.0.9");
    assertSticky(settings(cookie), k -> c.hash(
        MeshRequest.builder("http://svc/").header("cookie", "a=1; sid=" + k).build(), RANDOM));

    ConsistentHashLb query = new ConsistentHashLb(null, null, false, "u", null, maglev ? 65537L : null, maglev);
    RequestHasher q = RequestHasher.of(settings(query), "10.0.0.9");
    assertSticky(settings(query), k -> q.hash(
        MeshRequest.builder("http://svc/p?x=1&u=" + k).build(), RANDOM));

    ConsistentHashLb source = new ConsistentHashLb(null, null, true, null, null, maglev ? 65537L : null, maglev);
    assertSticky(settings(source), k -> RequestHasher.of(settings(source), "10.1." + (k / 250) + "." + (k % 250))
        .hash(MeshRequest.builder("http://svc/").build(), RANDOM));
  }

  @Test
  void aGeneratedCookieKeepsTheNextRequestOnTheSameEndpoint() {
    ConsistentHashLb cookie = new ConsistentHashLb(null,
        new HttpCookie("sid", "/", Duration.ofHours(1), List.of()), false, null, null, null, false);
    RequestHasher hasher = RequestHasher.of(settings(cookie), "10.0.0.9");
    ClusterState state = Fixtures.cluster(3);
    LoadBalancer lb = LoadBalancers.create(settings(cookie), 0, Fixtures.hosts(state, 5), state);
    for (int i = 0; i < 100; i++) {
      RequestHash first = hasher.hash(MeshRequest.builder("http://svc/").build(), RANDOM);
      String setCookie = first.setCookies().get(0);
      String value = setCookie.substring("sid=\"".length(), setCookie.indexOf('"', 5));
      RequestHash next = hasher.hash(
          MeshRequest.builder("http://svc/").header("cookie", "sid=" + value).build(), RANDOM);
      assertThat(next.setCookies()).isEmpty();
      assertThat(lb.pick(PickContext.of(RANDOM, next))).isSameAs(lb.pick(PickContext.of(RANDOM, first)));
    }
  }

  /** The fraction of KEYS whose endpoint changes when host n+1 joins n hosts. */
  static double moved(LoadBalancerSettings settings, int n, Map<String, Object> details) {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> all = Fixtures.hosts(state, n + 1);
    LoadBalancer before = LoadBalancers.create(settings, 0, all.subList(0, n), state);
    LoadBalancer after = LoadBalancers.create(settings, 0, all, state);
    int moved = 0;
    int movedBetweenOldHosts = 0;
    for (int k = 0; k < KEYS; k++) {
      long h = XxHash64.hash("key-" + k);
      UpstreamHost b = before.pick(Fixtures.hashed(RANDOM, h));
      UpstreamHost a = after.pick(Fixtures.hashed(RANDOM, h));
      if (a != b) {
        moved++;
        movedBetweenOldHosts += a == all.get(n) ? 0 : 1;
      }
    }
    details.put("before", before);
    details.put("after", after);
    details.put("betweenOld", movedBetweenOldHosts / (double) KEYS);
    return moved / (double) KEYS;
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 10, 50})
  void addingAnEndpointToMaglevMovesAboutOneInNPlusOneKeys(int n) {
    double ideal = 1.0 / (n + 1);
    Map<String, Object> d = new HashMap<>();
    double atDefault = moved(Fixtures.maglev(65537), n, d);
    double atLarge = moved(Fixtures.maglev(1_000_003), n, d);
    System.out.printf("maglev n=%d: moved %.4f (65537 slots), %.4f (1000003 slots); 1/(n+1) = %.4f%n",
        n, atDefault, atLarge, ideal);
    // Maglev's extra disruption shrinks as slots per host grow: the default table is enough
    // up to about ten endpoints; 50 endpoints need a larger table for the 10 % bound.
    assertThat(atLarge).isLessThanOrEqualTo(1.1 * ideal);
    if (n <= 10) {
      assertThat(atDefault).isLessThanOrEqualTo(1.1 * ideal);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 10, 50})
  void addingAnEndpointToRingHashMovesWhatEnvoysRingMoves(int n) {
    Map<String, Object> d = new HashMap<>();
    double moved = moved(Fixtures.ringHash(1 << 20), n, d);
    HashRing before = ((RingHashLoadBalancer) d.get("before")).table();
    HashRing after = ((RingHashLoadBalancer) d.get("after")).table();
    // Envoy gives every host ceil(minimumRingSize / hosts) entries, so when a host joins, each
    // old host also drops its last entries; keys on dropped entries move to the next entry,
    // usually another old host. Expected: P(new host's arc) + P(dropped arc) · n/(n+1), from
    // the entry counts of the two rings (≈ (2n+1)/((n+1)(n+2)) for large rings).
    double k = before.size() / (double) n;
    double k1 = after.size() / (double) (n + 1);
    double union = n * k + k1;
    double expected = k1 / union + n * (k - k1) / union * n / (n + 1);
    System.out.printf("ring hash n=%d (2^20 entries): moved %.4f, between old hosts %.4f; "
        + "Envoy-construction expectation %.4f; 1/(n+1) = %.4f%n",
        n, moved, (double) d.get("betweenOld"), expected, 1.0 / (n + 1));
    assertThat(moved).isLessThanOrEqualTo(1.1 * expected).isGreaterThanOrEqualTo(0.9 * expected);

    // Only dropped entries move keys between old hosts: every entry of the new ring that
    // belongs to an old host was already in the old ring.
    Set<Long> old = new HashSet<>();
    for (int i = 0; i < before.size(); i++) {
      old.add(before.hashAt(i));
    }
    UpstreamHost newcomer = ((LoadBalancer) d.get("after")).hosts().get(n);
    int oldHostEntriesNotInOldRing = 0;
    for (int i = 0; i < after.size(); i++) {
      if (after.hostAt(i) != newcomer && !old.contains(after.hashAt(i))) {
        oldHostEntriesNotInOldRing++;
      }
    }
    assertThat(oldHostEntriesNotInOldRing).isZero();
  }

  @Test
  void balanceOverTenEndpoints() {
    double maglev = maxOverMean(Fixtures.maglev(65537));
    double ring = maxOverMean(Fixtures.ringHash(1024));
    double bigRing = maxOverMean(Fixtures.ringHash(1 << 16));
    System.out.printf("balance, 10 endpoints, %d keys: maglev max/mean %.3f, ring hash (1024) "
        + "%.3f, ring hash (65536) %.3f%n", KEYS, maglev, ring, bigRing);
    assertThat(maglev).isLessThanOrEqualTo(1.10);
  }

  static double maxOverMean(LoadBalancerSettings settings) {
    ClusterState state = Fixtures.cluster(1);
    LoadBalancer lb = LoadBalancers.create(settings, 0, Fixtures.hosts(state, 10), state);
    Map<UpstreamHost, Integer> counts = new HashMap<>();
    for (int k = 0; k < KEYS; k++) {
      counts.merge(lb.pick(Fixtures.hashed(RANDOM, XxHash64.hash("key-" + k))), 1, Integer::sum);
    }
    assertThat(counts).hasSize(10);
    int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    return max / (KEYS / 10.0);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void ejectedEndpointsAreSkippedAndComeBack(boolean maglev) {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 5);
    LoadBalancer lb = LoadBalancers.create(
        maglev ? Fixtures.maglev(65537) : Fixtures.ringHash(1024), 0, hosts, state);
    Map<Long, UpstreamHost> original = new HashMap<>();
    for (int k = 0; k < 2000; k++) {
      long h = XxHash64.hash("key-" + k);
      original.put(h, lb.pick(Fixtures.hashed(RANDOM, h)));
    }
    UpstreamHost victim = hosts.get(2);
    victim.state().setEjected(true);
    int movedFromVictim = 0;
    for (Map.Entry<Long, UpstreamHost> e : original.entrySet()) {
      UpstreamHost now = lb.pick(Fixtures.hashed(RANDOM, e.getKey()));
      assertThat(now).isNotSameAs(victim);
      movedFromVictim += e.getValue() == victim ? 1 : 0;
    }
    assertThat(movedFromVictim).isPositive();
    victim.state().setEjected(false);
    for (Map.Entry<Long, UpstreamHost> e : original.entrySet()) {
      assertThat(lb.pick(Fixtures.hashed(RANDOM, e.getKey()))).isSameAs(e.getValue());
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void retriesStayOnTheHashedEndpointUnlessAskedToAvoidIt(boolean maglev) {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 5);
    LoadBalancer lb = LoadBalancers.create(
        maglev ? Fixtures.maglev(65537) : Fixtures.ringHash(1024), 0, hosts, state);
    long hash = XxHash64.hash("jason");
    UpstreamHost first = lb.pick(Fixtures.hashed(RANDOM, hash));
    // Single-destination hashed route: no previous-hosts predicate, the retry repeats the pick.
    assertThat(lb.pick(Fixtures.hashed(RANDOM, hash))).isSameAs(first);
    // Weighted route (previous_hosts kept): the balancer walks on to another endpoint.
    PickContext avoiding = new PickContext() {
      @Override
      public RandomSource random() {
        return RANDOM;
      }

      @Override
      public boolean hasHash() {
        return true;
      }

      @Override
      public long hash() {
        return hash;
      }

      @Override
      public boolean shouldAvoid(UpstreamHost host) {
        return host == first;
      }
    };
    assertThat(lb.pick(avoiding)).isNotNull().isNotSameAs(first);
  }
}
