package dev.mesh4j.benchmarks;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import java.time.Duration;
import java.util.List;
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
 * What a change of one service's endpoints costs in a large mesh — the update a Kubernetes
 * EndpointSlice or an EDS push causes, many times a minute in a real cluster. It updates that
 * service's clusters (two subsets and the whole service, one port) and publishes the snapshot
 * under a new version, without compiling routes: its cost should not grow with the mesh.
 * {@code structural} is the comparison: the same service gains a port, which compiles the whole
 * mesh again.
 *
 * <p>The mesh is {@link SyntheticMesh} with {@code services} services of two endpoints and as
 * many VirtualServices; each invocation alternates one service's endpoints between two sets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class EndpointUpdateBenchmark {

  @Param({"1000", "10000"})
  int services;

  ServiceRegistry registry;
  Mesh mesh;
  List<Endpoint> a;
  List<Endpoint> b;
  boolean flip;

  @Setup(Level.Trial)
  public void setUp() {
    SyntheticMesh shape = new SyntheticMesh(services, 2, services);
    registry = shape.registry();
    mesh = Mesh.builder().registry(registry).configYaml(shape.yaml()).dnsRefreshInterval(Duration.ZERO)
        .telemetry(false).build();
    a = List.of(endpoint("10.200.0.1", "v1"), endpoint("10.200.0.2", "v2"));
    b = List.of(endpoint("10.200.0.3", "v1"), endpoint("10.200.0.4", "v2"), endpoint("10.200.0.5", "v2"));
  }

  private static Endpoint endpoint(String ip, String version) {
    return Endpoint.of(ip, 8080).withLabel("version", version);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    mesh.close();
  }

  /** One service's endpoints change: its clusters are rebuilt and swapped, nothing else. */
  @Benchmark
  public long endpointsOnly() {
    flip = !flip;
    registry.register("svc-7", 8080, flip ? a : b);
    return mesh.version();
  }

  /** The same service gains a second port: the whole mesh is compiled again. */
  @Benchmark
  @Measurement(iterations = 3, time = 2)
  public long structural() {
    flip = !flip;
    if (flip) {
      registry.register("svc-7", 9090, a);
    } else {
      registry.deregister("svc-7");
      registry.register("svc-7", 8080, a);
    }
    return mesh.version();
  }
}
