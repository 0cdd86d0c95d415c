package dev.mesh4j.benchmarks;

import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.internal.lb.ClusterState;
import dev.mesh4j.core.internal.lb.LoadBalancer;
import dev.mesh4j.core.internal.lb.LoadBalancers;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to build a consistent-hash balancer, i.e. its ring or Maglev table (issue 4). This is
 * what a host-set or health change costs, off the request path: on snapshot compilation and
 * on the cluster's rebuild executor.
 *
 * <p>Run: {@code java -jar mesh-benchmarks/target/benchmarks.jar HashTableBuild -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class HashTableBuildBenchmark {
  /** Ring hash with 100 endpoints and this minimum ring size (Envoy's maximum is 8,388,608). */
  @State(Scope.Thread)
  public static class Ring {
    @Param({"1024", "65536", "1048576", "8388608"})
    public long minimumRingSize;

    LoadBalancerSettings settings;
    List<UpstreamHost> hosts;
    ClusterState state;

    @Setup(Level.Trial)
    public void setUp() {
      settings = new LoadBalancerSettings(null, new ConsistentHashLb("x-user", null, false, null,
          minimumRingSize, null, false), null, null);
      state = new ClusterState(RandomSource.seeded(1));
      hosts = hosts(state, 100);
    }
  }

  /** Maglev with the default 65537-slot table and this many endpoints. */
  @State(Scope.Thread)
  public static class Maglev {
    @Param({"10", "100", "1000"})
    public int endpoints;

    LoadBalancerSettings settings;
    List<UpstreamHost> hosts;
    ClusterState state;

    @Setup(Level.Trial)
    public void setUp() {
      settings = new LoadBalancerSettings(null, new ConsistentHashLb("x-user", null, false, null,
          null, ConsistentHashLb.DEFAULT_MAGLEV_TABLE_SIZE, true), null, null);
      state = new ClusterState(RandomSource.seeded(1));
      hosts = hosts(state, endpoints);
    }
  }

  static List<UpstreamHost> hosts(ClusterState state, int n) {
    List<UpstreamHost> hosts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String address = "10.0." + (i / 250) + "." + (i % 250 + 1);
      hosts.add(UpstreamHost.of(new Endpoint(address, 9080, Map.of(), 1, null), state));
    }
    return hosts;
  }

  @Benchmark
  public LoadBalancer ringHash(Ring r) {
    return LoadBalancers.create(r.settings, 0, r.hosts, r.state);
  }

  @Benchmark
  public LoadBalancer maglev(Maglev m) {
    return LoadBalancers.create(m.settings, 0, m.hosts, m.state);
  }
}
