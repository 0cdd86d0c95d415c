package dev.mesh4j.core.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import dev.mesh4j.api.runtime.RandomSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Concurrency smoke test: picking threads, in-flight counters and health flips running
 * together on a multi-threaded rebuild executor. Bounded threads and iterations, no sleeps.
 */
class LoadBalancerRaceTest {
  static final int PICKERS = 4;
  static final int PICKS = 20_000;

  static Stream<LoadBalancerSettings> settings() {
    return Stream.of(Fixtures.simple(SimpleLb.ROUND_ROBIN), null,
        Fixtures.simple(SimpleLb.RANDOM), Fixtures.ringHash(1024), Fixtures.maglev(65537));
  }

  @ParameterizedTest
  @MethodSource("settings")
  void picksStayValidWhileHealthChanges(LoadBalancerSettings settings) throws Exception {
    ExecutorService rebuilds = Executors.newFixedThreadPool(2);
    ExecutorService workers = Executors.newFixedThreadPool(PICKERS + 1);
    try {
      ClusterState state = new ClusterState(RandomSource.seeded(1), rebuilds);
      List<UpstreamHost> hosts = Fixtures.hosts(state, 2, 1, 1, 3, 1);
      LoadBalancer lb = LoadBalancers.create(settings, 0, hosts, state);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < PICKERS; t++) {
        long seed = t;
        results.add(workers.submit(() -> {
          PickContext ctx = PickContext.of(RandomSource.seeded(seed));
          start.await();
          int nulls = 0;
          for (int i = 0; i < PICKS; i++) {
            UpstreamHost h = lb.pick(ctx);
            if (h == null) {
              nulls++;
              continue;
            }
            h.state().requestStarted();
            h.state().requestEnded();
          }
          return nulls;
        }));
      }
      Future<?> flipper = workers.submit(() -> {
        start.await();
        for (int i = 0; i < 2_000; i++) {
          hosts.get(i % 2).state().setEjected(i % 4 < 2);
        }
        hosts.get(0).state().setEjected(false);
        hosts.get(1).state().setEjected(false);
        return null;
      });
      start.countDown();
      for (Future<Integer> r : results) {
        assertThat(r.get(60, TimeUnit.SECONDS)).as("picks with no host").isZero();
      }
      flipper.get(60, TimeUnit.SECONDS);
      rebuilds.shutdown();
      assertThat(rebuilds.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

      for (UpstreamHost h : hosts) {
        assertThat(h.activeRequests()).isZero();
      }
      // Once the last rebuild has run, the table reflects the final health: all hosts usable.
      assertThat(((AbstractLoadBalancer<?>) lb).table().hosts).hasSize(hosts.size());
    } finally {
      rebuilds.shutdownNow();
      workers.shutdownNow();
    }
  }
}
