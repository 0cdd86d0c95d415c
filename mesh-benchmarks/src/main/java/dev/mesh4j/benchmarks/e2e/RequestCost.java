package dev.mesh4j.benchmarks.e2e;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * What one synchronous call costs the calling thread, bare and meshed: bytes allocated and CPU
 * time per request, read from the thread's own counters ({@code ThreadMXBean}) around a run of
 * {@code execute()} calls to an instant loopback backend in the same JVM.
 *
 * <p>{@code execute()} runs OkHttp's whole interceptor chain — mesh4j's interceptor, the exchange,
 * connection reuse, writing the request and reading the response — on the caller's thread, so
 * the caller's counters hold the client's share of a request and none of the backend's
 * (its selector thread) or of the JIT and GC threads. Allocation is exact and does not depend on
 * the machine's load; CPU time is the thread's own but still slows when other programs evict its
 * caches, so read it next to the load average.
 *
 * <p>The setups are the end-to-end harness's: bare OkHttp to one port, and {@code MeshOkHttp}
 * with bookinfo's reviews canary (10/10/80 over three endpoints), telemetry on (the default) and
 * off.
 *
 * <pre>{@code java -cp mesh-benchmarks/target/benchmarks.jar dev.mesh4j.benchmarks.e2e.RequestCost [requests] [rounds]}</pre>
 *
 * <p>{@code -Dsetup="mesh4j, telemetry on"} measures that setup alone (after warming all three),
 * for a profile of it: {@code -Djfr=file.jfr} records the measured requests (JFR), which
 * {@link dev.mesh4j.benchmarks.JfrSummary} summarises.
 */
public final class RequestCost {
  private RequestCost() {}

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.println(run(requests, rounds, 30_000, System.getProperty("setup", "")));
  }

  /** Runs each setup {@code rounds} times (after {@code warmup} requests each) and returns a Markdown table. */
  static String run(int requests, int rounds, int warmup, String only) throws Exception {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (FixedLatencyBackend backend = new FixedLatencyBackend(0, 0, 0)) {
      int[] ports = backend.ports();
      OkHttpClient bare = new OkHttpClient();
      Mesh withTelemetry = mesh(ports, true);
      Mesh withoutTelemetry = mesh(ports, false);
      Setup[] setups = {
          new Setup("bare OkHttp", bare, new Request.Builder().url("http://127.0.0.1:" + ports[2] + "/reviews/1").build()),
          new Setup("mesh4j, telemetry on", MeshOkHttp.install(withTelemetry, bare.newBuilder()).build(),
              new Request.Builder().url("http://reviews:9080/reviews/1").build()),
          new Setup("mesh4j, telemetry off", MeshOkHttp.install(withoutTelemetry, bare.newBuilder()).build(),
              new Request.Builder().url("http://reviews:9080/reviews/1").build()),
      };
      try {
        for (Setup s : setups) {
          s.call(warmup);
        }
        jdk.jfr.Recording recording = recording();
        for (int round = 0; round < rounds; round++) {
          for (Setup s : setups) {
            if (!only.isEmpty() && !s.name.equals(only)) {
              continue;
            }
            long bytes = threads.getCurrentThreadAllocatedBytes();
            long cpu = threads.getCurrentThreadCpuTime();
            s.call(requests);
            s.bytes += threads.getCurrentThreadAllocatedBytes() - bytes;
            s.cpuNanos += threads.getCurrentThreadCpuTime() - cpu;
            s.requests += requests;
          }
        }
        if (recording != null) {
          recording.stop();
          recording.dump(java.nio.file.Path.of(System.getProperty("jfr")));
          recording.close();
        }
      } finally {
        withTelemetry.close();
        withoutTelemetry.close();
      }
      StringBuilder out = new StringBuilder()
          .append("| setup | B/request (caller thread) | over bare | CPU µs/request (caller thread) | over bare |\n")
          .append("|---|---|---|---|---|\n");
      Setup base = setups[0];
      for (Setup s : setups) {
        if (s.requests == 0) {
          continue;
        }
        out.append(String.format(Locale.ROOT, "| %s | %,.0f | %+,.0f | %.1f | %+.1f |%n", s.name, s.bytesPerRequest(),
            s.bytesPerRequest() - base.bytesPerRequest(), s.cpuMicrosPerRequest(),
            s.cpuMicrosPerRequest() - base.cpuMicrosPerRequest()));
      }
      return out.toString();
    }
  }

  /**
   * With {@code -Djfr=file}, a JFR recording of the measured requests alone (warm-up left out):
   * JDK's "profile" settings with allocation samples at up to 20,000 a second.
   */
  private static jdk.jfr.Recording recording() throws Exception {
    if (System.getProperty("jfr") == null) {
      return null;
    }
    jdk.jfr.Recording r = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
    r.enable("jdk.ObjectAllocationSample").with("throttle", "20000/s");
    r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
    r.start();
    return r;
  }

  private static Mesh mesh(int[] ports, boolean telemetry) {
    return Mesh.builder()
        .configResource("bookinfo/virtual-service-reviews-canary-10-10-80.yaml")
        .configResource("bookinfo/destination-rule-all.yaml")
        .registry(new ServiceRegistry().register("reviews", 9080,
            Endpoint.of("127.0.0.1", ports[0]).withLabel("version", "v1"),
            Endpoint.of("127.0.0.1", ports[1]).withLabel("version", "v2"),
            Endpoint.of("127.0.0.1", ports[2]).withLabel("version", "v3")))
        .dnsRefreshInterval(Duration.ZERO)
        .telemetry(telemetry)
        .build();
  }

  private static final class Setup {
    final String name;
    final OkHttpClient client;
    final Request request;
    long bytes;
    long cpuNanos;
    long requests;

    Setup(String name, OkHttpClient client, Request request) {
      this.name = name;
      this.client = client;
      this.request = request;
    }

    void call(int n) throws IOException {
      for (int i = 0; i < n; i++) {
        try (Response r = client.newCall(request).execute()) {
          if (r.body().bytes().length != 2) {
            throw new IllegalStateException(name + ": unexpected body");
          }
        }
      }
    }

    double bytesPerRequest() {
      return (double) bytes / requests;
    }

    double cpuMicrosPerRequest() {
      return cpuNanos / 1_000.0 / requests;
    }
  }
}
