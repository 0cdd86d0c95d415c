package dev.mesh4j.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One GET over loopback keep-alive to a small HTTP server, with a bare OkHttp client and with
 * the same client meshed (a VirtualService with a header match and a subset route in front).
 * The ratio meshed/bare is mesh4j's end-to-end overhead on the cheapest possible request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class LoopbackRoundTripBenchmark {
  HttpServer server;
  ExecutorService serverThreads;
  OkHttpClient bare;
  OkHttpClient meshed;
  OkHttpClient meshedWithoutTelemetry;
  Mesh mesh;
  Mesh meshWithoutTelemetry;
  Request bareRequest;
  Request meshedRequest;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    serverThreads = Executors.newFixedThreadPool(2);
    server.setExecutor(serverThreads);
    byte[] body = "ok".getBytes();
    server.createContext("/", ex -> {
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    int port = server.getAddress().getPort();
    bare = new OkHttpClient();
    mesh = mesh(port, true);
    meshWithoutTelemetry = mesh(port, false);
    meshed = MeshOkHttp.install(mesh, bare.newBuilder()).build();
    meshedWithoutTelemetry = MeshOkHttp.install(meshWithoutTelemetry, bare.newBuilder()).build();
    bareRequest = new Request.Builder().url("http://127.0.0.1:" + port + "/reviews/1").build();
    meshedRequest = new Request.Builder().url("http://reviews:9080/reviews/1").build();
  }

  /** The canary mesh over one registered endpoint: {@code telemetry} off leaves routing alone. */
  private static Mesh mesh(int port, boolean telemetry) {
    return Mesh.builder()
        .registry(new ServiceRegistry().register("reviews", 9080,
            Endpoint.of("127.0.0.1", port).withLabel("version", "v1")))
        .configYaml("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              subsets: [{name: v1, labels: {version: v1}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - match: [{headers: {end-user: {exact: jason}}}]
                route: [{destination: {host: reviews, subset: v1}}]
              - route: [{destination: {host: reviews, subset: v1}}]
            """)
        .dnsRefreshInterval(java.time.Duration.ZERO)
        .telemetry(telemetry)
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    mesh.close();
    meshWithoutTelemetry.close();
    server.stop(0);
    serverThreads.shutdownNow();
    bare.dispatcher().executorService().shutdown();
    bare.connectionPool().evictAll();
  }

  @Benchmark
  public int bare() throws IOException {
    try (Response r = bare.newCall(bareRequest).execute()) {
      return r.body().bytes().length;
    }
  }

  @Benchmark
  public int meshed() throws IOException {
    try (Response r = meshed.newCall(meshedRequest).execute()) {
      return r.body().bytes().length;
    }
  }

  /** Routing, balancing and resilience only: no request id, trace headers or listeners. */
  @Benchmark
  public int meshedWithoutTelemetry() throws IOException {
    try (Response r = meshedWithoutTelemetry.newCall(meshedRequest).execute()) {
      return r.body().bytes().length;
    }
  }
}
