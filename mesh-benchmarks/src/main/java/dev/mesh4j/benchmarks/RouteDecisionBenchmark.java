package dev.mesh4j.benchmarks;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamRequest;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one routing decision: host lookup, VirtualService match (header and path
 * conditions that fail and one that holds), weighted pick over subsets, endpoint pick and the
 * upstream request handed to the transport. The transport is a no-op, so this is the engine's
 * share of a request (with {@code telemetry=true}, including ids and trace headers).
 *
 * <p>{@code size} VirtualServices and {@code size} endpoints ({@link SyntheticMesh}: size/2
 * services with one {@code v1} and one {@code v2} endpoint each, so that every subset a route
 * names has an endpoint). Requests go to random VirtualService hosts and all take the route
 * {@link #route} names; setup checks that every one of them reaches an endpoint.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class RouteDecisionBenchmark {

  @Param({"10", "100", "1000"})
  int size;

  /**
   * Whether mesh4j's telemetry runs too (request id, trace headers, listener events, with the
   * OpenTelemetry API only). Off measures the routing decision alone; TelemetryBenchmark
   * measures telemetry alone.
   */
  @Param({"false", "true"})
  boolean telemetry;

  /**
   * Which route the requests take: {@code regex}, the third (an RE2 regex match with a 90/10
   * split, after an exact header and a prefix-or-query match fail), or {@code header}, the first
   * (an exact header match, one destination).
   */
  @Param({"regex", "header"})
  String route;

  Mesh mesh;
  MeshRequest[] requests;
  int next;
  final NoopExchange exchange = new NoopExchange();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    SyntheticMesh shape = new SyntheticMesh(size / 2, 2, size);
    mesh = Mesh.builder().registry(shape.registry()).configYaml(shape.yaml()).telemetry(telemetry)
        .random(RandomSource.threadLocal()).dnsRefreshInterval(java.time.Duration.ZERO).build();
    requests = new MeshRequest[1024];
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < requests.length; i++) {
      requests[i] = MeshRequest.builder(shape.url(r.nextInt(size), "/api/v1/items/" + i))
          .header("end-user", route.equals("header") ? "jason" : "user-" + i)
          .header("accept", "application/json").build();
    }
    for (int round = 0; round < 20; round++) {
      for (MeshRequest request : requests) {
        Object outcome = mesh.execute(request, exchange);
        if (!(outcome instanceof UpstreamRequest u) || u.endpoint() == null) {
          throw new IllegalStateException(request.authority() + " was not forwarded: " + outcome);
        }
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    mesh.close();
  }

  @Benchmark
  public Object decide() throws IOException {
    MeshRequest request = requests[next++ & (requests.length - 1)];
    return mesh.execute(request, exchange);
  }
}
