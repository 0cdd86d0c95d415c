package dev.mesh4j.benchmarks;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.console.MeshConsole;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.observe.MeshListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the console's listener costs a request: one whole request through the engine
 * ({@link Mesh#execute} over {@link NoopExchange}, so no network) on bookinfo's reviews canary
 * (10/10/80 over three versions), on one thread and on two threads sending at once (the two share
 * the console's windows of the same edges). Telemetry is otherwise the default (no OpenTelemetry
 * SDK), so without a listener the engine builds no route decision or event at all:
 * <ul>
 *   <li>{@code none}: no listener;
 *   <li>{@code listener}: a listener that does nothing — what any listener costs (the decisions
 *       and events the engine then builds);
 *   <li>{@code console}: a {@link MeshConsole} attached; the difference to {@code listener} is the
 *       console's own counting.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConsoleListenerBenchmark {
  /** {@code none}; {@code listener}: a listener that does nothing; {@code console}: a console attached. */
  @Param({"none", "listener", "console"})
  public String attach;

  final MeshRequest request = MeshRequest.builder("http://reviews:9080/reviews/1").build();
  final NoopExchange exchange = new NoopExchange();
  Mesh mesh;
  MeshConsole attached;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    mesh = bookinfo();
    if (attach.equals("listener")) {
      mesh.addListener(new MeshListener() {});
    }
    attached = attach.equals("console") ? MeshConsole.attach(mesh) : null;
  }

  /** The reviews canary over three endpoints, labelled v1, v2 and v3. */
  public static Mesh bookinfo() throws IOException {
    return Mesh.builder()
        .configYaml(resource("bookinfo/destination-rule-all.yaml") + "\n---\n"
            + resource("bookinfo/virtual-service-reviews-canary-10-10-80.yaml"))
        .registry(new ServiceRegistry().register("reviews", 9080,
            Endpoint.of("10.0.0.1", 9080).withLabel("version", "v1"),
            Endpoint.of("10.0.0.2", 9080).withLabel("version", "v2"),
            Endpoint.of("10.0.0.3", 9080).withLabel("version", "v3")))
        .dnsRefreshInterval(Duration.ZERO)
        .build();
  }

  static String resource(String name) throws IOException {
    try (InputStream in = ConsoleListenerBenchmark.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (attached != null) {
      attached.close();
    }
    mesh.close();
  }

  @Benchmark
  public Object request() throws IOException {
    return mesh.execute(request, exchange);
  }

  @Benchmark
  @Threads(2)
  public Object requestTwoThreads() throws IOException {
    return mesh.execute(request, exchange);
  }
}
