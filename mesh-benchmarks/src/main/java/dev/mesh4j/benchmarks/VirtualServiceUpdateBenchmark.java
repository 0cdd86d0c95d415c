package dev.mesh4j.benchmarks;

import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.Mesh;
import java.time.Duration;
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
 * What one VirtualService change costs in a large mesh — a {@code kubectl apply} of one canary
 * step, delivered by a watching source (Kubernetes, istiod) as a per-resource upsert. The
 * change is validated, committed and compiled into a new snapshot; routes of the VirtualServices
 * that did not change are reused, so the cost should grow with the mesh only by what walks every
 * host (sorting and claiming), not by compiling every route again.
 *
 * <p>The mesh is {@link SyntheticMesh} with {@code services} services of two endpoints and as
 * many VirtualServices, all delivered by one {@link MeshSource.Validation#PER_RESOURCE} source;
 * each invocation moves VirtualService {@code vs-7}'s split between 90/10 and 80/20.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class VirtualServiceUpdateBenchmark {

  @Param({"1000", "10000"})
  int services;

  Mesh mesh;
  WatchedSource source;
  String a;
  String b;
  boolean flip;

  /** A source that delivers what it is told, resource by resource, as a watch would. */
  static final class WatchedSource implements MeshSource {
    private final String initial;
    volatile SourceContext context;

    WatchedSource(String initial) {
      this.initial = initial;
    }

    @Override
    public String name() {
      return "watch";
    }

    @Override
    public Validation validation() {
      return Validation.PER_RESOURCE;
    }

    @Override
    public void start(SourceContext context) {
      this.context = context;
      context.apply(SourceUpdate.replaceAll().yaml("initial", initial).build());
      context.synced();
    }

    SourceUpdate.Result upsert(String name, String yaml) {
      return context.apply(SourceUpdate.changes()
          .manifest(new ResourceKey("VirtualService", "default", name), name, yaml).build());
    }

    @Override
    public void close() {}
  }

  @Setup(Level.Trial)
  public void setUp() {
    SyntheticMesh shape = new SyntheticMesh(services, 2, services);
    source = new WatchedSource(shape.yaml());
    mesh = Mesh.builder().registry(shape.registry()).source(source)
        .dnsRefreshInterval(Duration.ZERO).telemetry(false).build();
    a = split(90, 10);
    b = split(80, 20);
  }

  private static String split(int v1, int v2) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: vs-7, namespace: default}
        spec:
          hosts: [svc-7]
          http:
          - route:
            - {destination: {host: svc-7, subset: v1}, weight: %d}
            - {destination: {host: svc-7, subset: v2}, weight: %d}
        """.formatted(v1, v2);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    mesh.close();
  }

  /** One VirtualService changes: validated, committed, compiled and swapped in. */
  @Benchmark
  public long oneVirtualService() {
    flip = !flip;
    SourceUpdate.Result r = source.upsert("vs-7", flip ? a : b);
    if (!r.applied() || !r.errors().isEmpty()) {
      throw new IllegalStateException(r.toString());
    }
    return mesh.version();
  }

  /** Runs one size by hand, printing the time of each change (for profiling with JFR). */
  public static void main(String[] args) {
    VirtualServiceUpdateBenchmark b = new VirtualServiceUpdateBenchmark();
    b.services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    long t0 = System.nanoTime();
    b.setUp();
    System.out.printf("build: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      long cpu = threads.getCurrentThreadCpuTime();
      b.oneVirtualService();
      System.out.printf("change %d: %.1f ms (CPU %.1f ms)%n", i, (System.nanoTime() - t) / 1e6,
          (threads.getCurrentThreadCpuTime() - cpu) / 1e6);
    }
    b.tearDown();
  }
}
