package dev.mesh4j.benchmarks;

import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.core.internal.lb.ClusterState;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter;
import dev.mesh4j.core.internal.resilience.OutlierDetector;
import dev.mesh4j.core.internal.resilience.OutlierSettings;
import dev.mesh4j.core.internal.resilience.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What resilience costs a request that succeeds at once: a connection-pool permit of a cluster
 * with limits, the outlier detector's counters (connect success, a 200), the retry policy's
 * verdict on the status, and the permit's release. No fault, no retry, no ejection.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResilienceBookkeepingBenchmark {
  ConnectionLimiter limiter;
  OutlierDetector detector;
  RetryPolicy policy;
  UpstreamHost[] hosts;
  int next;

  @Setup
  public void setUp() {
    Scheduler never = (delay, task) -> () -> { };
    Ticker ticker = Ticker.system();
    limiter = new ConnectionLimiter("bench", new ConnectionLimiter.Limits(1000, 1000, 1000, 100), ticker, never);
    ClusterState cluster = new ClusterState(RandomSource.threadLocal());
    List<UpstreamHost> list = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      list.add(UpstreamHost.of(Endpoint.of("10.0.0." + i, 8080), cluster));
    }
    hosts = list.toArray(new UpstreamHost[0]);
    detector = new OutlierDetector("bench", OutlierSettings.of(new OutlierDetection(null, null, null, null, 5,
        Duration.ofSeconds(10), Duration.ofSeconds(30), 50, null)), list, never, ticker);
    policy = RetryPolicy.of(null, false);
  }

  @TearDown
  public void tearDown() {
    detector.close();
  }

  @Benchmark
  public boolean successPath() throws InterruptedException {
    UpstreamHost host = hosts[next++ % hosts.length];
    ConnectionLimiter.Permit permit = limiter.acquire(ConnectionLimiter.NO_DEADLINE);
    detector.onLocalOriginSuccess(host);
    detector.onResponse(host, 200);
    boolean retry = policy.retriesStatus(200);
    permit.release();
    return retry;
  }
}
