package dev.mesh4j.benchmarks;

import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import dev.mesh4j.api.config.LocalityLbSetting;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.lb.ClusterState;
import dev.mesh4j.core.internal.lb.LoadBalancer;
import dev.mesh4j.core.internal.lb.LoadBalancers;
import dev.mesh4j.core.internal.lb.PickContext;
import dev.mesh4j.core.internal.lb.PriorityPlan;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
 * Cost of one {@link LoadBalancer#pick} per algorithm and cluster size (issue 4; target at
 * most 100 ns and 0 bytes per pick). Hash algorithms pick with a different precomputed hash
 * each time, so that the ring or table lookups are not all cache hits on one entry; the
 * random source is {@link RandomSource#threadLocal()}, the engine's default.
 *
 * <p>{@code *_WEIGHTED} variants give endpoints weights 1..5, which switches round robin to
 * its weighted schedule and least request to its weighted draw.
 *
 * <p>{@code shape} (default {@code PLAIN}, one priority) adds what {@code localityLbSetting} and
 * {@code warmup} change: {@code PRIORITIES} spreads the endpoints over three localities, the
 * workload in the first, with Istio's default failover and half of priority 0 ejected (so picks
 * spill over, 70/30); {@code DISTRIBUTE} weighs two localities 20/80 (Envoy's locality-weighted
 * pick); {@code WARMUP} has every endpoint in a one-hour slow start (each pick checks whether the
 * weights are due for a rebuild). {@code WARMUP} applies to round robin and least request only.
 *
 * <p>Run: {@code java -jar mesh-benchmarks/target/benchmarks.jar LoadBalancerPick -prof gc}, and
 * e.g. {@code -p shape=PLAIN,PRIORITIES,DISTRIBUTE,WARMUP -p endpoints=100}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoadBalancerPickBenchmark {
  @Param({"ROUND_ROBIN", "ROUND_ROBIN_WEIGHTED", "RANDOM", "LEAST_REQUEST",
      "LEAST_REQUEST_WEIGHTED", "RING_HASH", "MAGLEV"})
  public String algorithm;

  @Param({"10", "100", "1000"})
  public int endpoints;

  @Param({"PLAIN"})
  public String shape;

  private LoadBalancer balancer;
  private final HashedContext context = new HashedContext();
  private long[] hashes;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    ClusterState state = new ClusterState(RandomSource.seeded(1));
    boolean weighted = algorithm.endsWith("_WEIGHTED");
    List<UpstreamHost> hosts = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      String address = "10.0." + (i / 250) + "." + (i % 250 + 1);
      String locality = shape.equals("PLAIN") ? null : LOCALITIES[i % LOCALITIES.length];
      Endpoint e = new Endpoint(address, 9080, Map.of(), weighted ? 1 + i % 5 : 1, locality);
      hosts.add(UpstreamHost.of(e, state));
    }
    LoadBalancerSettings settings = settings(algorithm.replace("_WEIGHTED", ""));
    PriorityPlan plan = PriorityPlan.SINGLE;
    Workload workload = Workload.builder().locality("r1/z1/s1").build();
    switch (shape) {
      case "PRIORITIES" -> {
        plan = PriorityPlan.of(null, true, workload, hosts);
        for (int i = 0; i < hosts.size(); i += 2 * LOCALITIES.length) {
          hosts.get(i).state().setEjected(true); // half of priority 0
        }
      }
      case "DISTRIBUTE" -> plan = PriorityPlan.of(LocalityLbSetting.builder()
          .distribute(LocalityLbSetting.Distribute.builder().from("r1/z1/*")
              .to(Map.of("r1/z1/*", 20, "r1/z2/*", 80)))
          .build(), false, workload, hosts);
      case "WARMUP" -> settings = settings.toBuilder()
          .warmup(LoadBalancerSettings.Warmup.builder().duration(Duration.ofHours(1))).build();
      default -> { }
    }
    balancer = LoadBalancers.create(settings, 0, hosts, state, plan);
    SplittableRandom random = new SplittableRandom(7);
    hashes = new long[4096];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = random.nextLong();
    }
    context.hashed = algorithm.equals("RING_HASH") || algorithm.equals("MAGLEV");
  }

  private static final String[] LOCALITIES = {"r1/z1/s1", "r1/z2/s1", "r2/z3/s1"};

  static LoadBalancerSettings settings(String algorithm) {
    switch (algorithm) {
      case "RING_HASH":
        return new LoadBalancerSettings(null, new ConsistentHashLb("x-user", null, false, null,
            ConsistentHashLb.DEFAULT_MINIMUM_RING_SIZE, null, false), null, null);
      case "MAGLEV":
        return new LoadBalancerSettings(null, new ConsistentHashLb("x-user", null, false, null,
            null, ConsistentHashLb.DEFAULT_MAGLEV_TABLE_SIZE, true), null, null);
      default:
        return LoadBalancerSettings.simple(SimpleLb.valueOf(algorithm));
    }
  }

  @Benchmark
  public UpstreamHost pick() {
    context.hash = hashes[next++ & (hashes.length - 1)];
    return balancer.pick(context);
  }

  /** A per-request context the engine would reuse across attempts: no allocation per pick. */
  static final class HashedContext implements PickContext {
    boolean hashed;
    long hash;

    @Override
    public RandomSource random() {
      return RandomSource.threadLocal();
    }

    @Override
    public boolean hasHash() {
      return hashed;
    }

    @Override
    public long hash() {
      return hash;
    }
  }
}
