package dev.mesh4j.core.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import dev.mesh4j.api.config.LoadBalancerSettings.Warmup;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.testing.Binomial;
import dev.mesh4j.core.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code warmup}: Envoy's slow start, {@code weight × max(timeFactor ^ (1 / aggression),
 * minimumPercent / 100)} with {@code timeFactor = max(1 ms, age) / duration}; the expected
 * factors below are worked out by hand from that formula.
 */
class SlowStartTest {

  @ParameterizedTest(name = "{0} ms into 10 s, aggression {1}, minimum {2}% → {3}")
  @CsvSource(nullValues = "-", value = {
      "0, -, -, 0.1", // Istio's defaults: aggression 1, minimum 10 %
      "500, -, -, 0.1", // 0.05 < 0.1
      "1000, -, -, 0.1",
      "5000, -, -, 0.5",
      "9999, -, -, 0.9999",
      "10000, -, -, 1.0",
      "60000, -, -, 1.0",
      "2500, 2.0, -, 0.5", // 0.25 ^ (1/2)
      "5000, 0.5, -, 0.25", // 0.5 ^ 2
      "1000, 0.5, -, 0.1", // 0.01, floored at 10 %
      "1000, 0.5, 0, 0.01",
      "0, 1.0, 0, 0.0001", // at least 1 ms: 1 ms / 10 s
      "4000, 1.0, 50, 0.5",
      "6000, 1.0, 50, 0.6"})
  void factorIsEnvoysFormula(long ms, Double aggression, Double minimum, double expected) {
    SlowStart s = SlowStart.of(new Warmup(Duration.ofSeconds(10), minimum, aggression));
    assertThat(s.factor(Duration.ofMillis(ms).toNanos())).isCloseTo(expected, within(1e-9));
  }

  @Test
  void noWarmupOrAZeroDurationIsNoSlowStart() {
    assertThat(SlowStart.of(null)).isNull();
    assertThat(SlowStart.of(new Warmup(Duration.ZERO, null, null))).isNull();
  }

  @ParameterizedTest
  @EnumSource(value = SimpleLb.class, names = {"ROUND_ROBIN", "LEAST_REQUEST"})
  void aNewEndpointsShareRampsUpOverTheDuration(SimpleLb algorithm) {
    FakeClock clock = new FakeClock();
    ClusterState state = new ClusterState(RandomSource.seeded(3), Runnable::run, clock);
    List<UpstreamHost> old = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      old.add(UpstreamHost.of(new Endpoint("10.0.0." + i, 80, Map.of(), 1, null), state));
    }
    LoadBalancerSettings settings = LoadBalancerSettings.builder().simple(algorithm)
        .warmup(Warmup.builder().duration(Duration.ofSeconds(100))).build();
    LoadBalancer before = LoadBalancers.create(settings, 0, old, state);
    // Everyone started together: nobody is favoured while they all warm up.
    assertThat(share(before, "10.0.0.1", 4000)).isCloseTo(0.5, within(0.05));
    clock.advance(Duration.ofSeconds(200));

    List<UpstreamHost> hosts = new ArrayList<>(old);
    hosts.add(UpstreamHost.of(new Endpoint("10.0.0.3", 80, Map.of(), 1, null), state));
    LoadBalancer lb = LoadBalancers.create(settings, 0, hosts, state);
    // Just joined: 10 % of a weight against two full ones.
    assertThat(share(lb, "10.0.0.3", 10_000)).isCloseTo(0.1 / 2.1, within(0.01));
    clock.advance(Duration.ofSeconds(25));
    assertThat(share(lb, "10.0.0.3", 10_000)).isCloseTo(0.25 / 2.25, within(0.01));
    clock.advance(Duration.ofSeconds(25));
    assertThat(share(lb, "10.0.0.3", 10_000)).isCloseTo(0.5 / 2.5, within(0.01));
    clock.advance(Duration.ofSeconds(50));
    double warm = share(lb, "10.0.0.3", 10_000);
    assertThat(Binomial.plausible((int) Math.round(warm * 10_000), 10_000, 1.0 / 3)).as("%s", warm).isTrue();
  }

  @Test
  void onlyRoundRobinAndLeastRequestWarmUp() {
    FakeClock clock = new FakeClock();
    ClusterState state = new ClusterState(RandomSource.seeded(3), Runnable::run, clock);
    List<UpstreamHost> hosts = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      hosts.add(UpstreamHost.of(new Endpoint("10.0.0." + i, 80, Map.of(), 1, null), state));
    }
    clock.advance(Duration.ofSeconds(200));
    hosts.add(UpstreamHost.of(new Endpoint("10.0.0.3", 80, Map.of(), 1, null), state));
    LoadBalancerSettings random = LoadBalancerSettings.builder().simple(SimpleLb.RANDOM)
        .warmup(Warmup.builder().duration(Duration.ofSeconds(100))).build();
    double share = share(LoadBalancers.create(random, 0, hosts, state), "10.0.0.3", 10_000);
    assertThat(Binomial.plausible((int) Math.round(share * 10_000), 10_000, 1.0 / 3)).isTrue();
  }

  static double share(LoadBalancer lb, String address, int n) {
    PickContext ctx = PickContext.of(RandomSource.seeded(n));
    int hits = 0;
    for (int i = 0; i < n; i++) {
      UpstreamHost h = lb.pick(ctx);
      if (h.endpoint().address().equals(address)) {
        hits++;
      }
    }
    return (double) hits / n;
  }
}
