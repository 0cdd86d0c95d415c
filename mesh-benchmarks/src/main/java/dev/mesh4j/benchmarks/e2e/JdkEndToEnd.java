package dev.mesh4j.benchmarks.e2e;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.jdkhttp.MeshJdkHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The JDK {@code HttpClient} transport against a bare JDK {@code HttpClient}, on loopback, with
 * an instant backend (answered at once, so everything the mesh adds shows): (a) a bare client
 * straight to the backend, (b) a client made by {@code MeshJdkHttp} with bookinfo's 10/10/80
 * canary of {@code reviews}, the same mesh as {@link EndToEndHarness}'s (b). Both over HTTP/1.1
 * (the transport sends HTTP/1.1 to endpoints). Closed loops at concurrency 1 and 8; setups take
 * turns within each round; the client's CPU per request and the p50 latency are reported, as
 * medians over the rounds.
 *
 * <pre>
 * java -cp mesh-benchmarks/target/benchmarks.jar dev.mesh4j.benchmarks.e2e.JdkEndToEnd \
 *     [--requests 20000] [--rounds 5] [--out mesh-benchmarks/results/e2e-jdkhttp-latest.md]
 * </pre>
 */
public final class JdkEndToEnd {
  private JdkEndToEnd() {}

  public static void main(String[] args) throws Exception {
    int requests = 20_000;
    int rounds = 5;
    Path out = null;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--requests" -> requests = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String table;
    // JMH's machine-wide lock, as EndToEndHarness holds it: no benchmark of another checkout runs meanwhile.
    try (MachineLock lock = MachineLock.acquire(Duration.ofSeconds(600))) {
      table = run(requests, rounds);
    }
    System.out.println(table);
    if (out != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, table, StandardCharsets.UTF_8);
    }
  }

  static String run(int requests, int rounds) throws Exception {
    try (EndToEndHarness.BackendProcess backend = EndToEndHarness.BackendProcess.start(new int[] {0, 0, 0})) {
      int[] ports = backend.ports;
      Mesh mesh = Mesh.builder()
          .configResource("bookinfo/virtual-service-reviews-canary-10-10-80.yaml")
          .configResource("bookinfo/destination-rule-all.yaml")
          .registry(new ServiceRegistry().register("reviews", 9080,
              Endpoint.of("127.0.0.1", ports[0]).withLabel("version", "v1"),
              Endpoint.of("127.0.0.1", ports[1]).withLabel("version", "v2"),
              Endpoint.of("127.0.0.1", ports[2]).withLabel("version", "v3")))
          .dnsRefreshInterval(Duration.ZERO)
          .build();
      // The meshed client first: MeshJdkHttp sets the JDK client's properties before its classes load.
      HttpClient meshed = MeshJdkHttp.newClient(mesh, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
      HttpClient bare = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest toBackend = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[2] + "/reviews/1?delay_ms=0"))
          .build();
      HttpRequest toService = HttpRequest.newBuilder(URI.create("http://reviews:9080/reviews/1?delay_ms=0")).build();
      ClosedLoop.Caller[] callers = {() -> call(bare, toBackend), () -> call(meshed, toService)};
      String[] names = {"(a) bare JDK HttpClient", "(b) JDK HttpClient + mesh4j"};
      for (ClosedLoop.Caller c : callers) {
        ClosedLoop.run(c, 8, 30_000, -1, -1);
      }
      int[] concurrencies = {1, 8};
      StringBuilder sb = new StringBuilder();
      sb.append("# JDK HttpClient transport, end to end (instant loopback backend)\n\n")
          .append("Java ").append(System.getProperty("java.version")).append(", ")
          .append(Runtime.getRuntime().availableProcessors()).append(" CPUs; ").append(requests)
          .append(" requests per cell, ").append(rounds).append(" rounds, medians over rounds.\n\n")
          .append("| concurrency | setup | p50 µs | p99 µs | client CPU µs/request | p50 ratio | added CPU µs/request | errors |\n")
          .append("|---|---|---|---|---|---|---|---|\n");
      for (int concurrency : concurrencies) {
        double[][] p50 = new double[2][rounds];
        double[][] p99 = new double[2][rounds];
        double[][] cpu = new double[2][rounds];
        int[] errors = new int[2];
        for (int round = 0; round < rounds; round++) {
          for (int k = 0; k < 2; k++) {
            int s = (k + round) % 2;
            ClosedLoop.run(callers[s], concurrency, requests / 10, -1, -1);
            ClosedLoop.Run run = ClosedLoop.run(callers[s], concurrency, requests, -1, backend.pid());
            long[] sorted = run.latenciesNanos().clone();
            Arrays.sort(sorted);
            p50[s][round] = percentileMicros(sorted, 50);
            p99[s][round] = percentileMicros(sorted, 99);
            cpu[s][round] = run.clientCpuNanos() / 1000.0 / requests;
            errors[s] += run.errors();
          }
        }
        double bareP50 = median(p50[0]);
        double bareCpu = median(cpu[0]);
        for (int s = 0; s < 2; s++) {
          sb.append(String.format(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.1f | %s | %s | %d |%n", concurrency, names[s],
              median(p50[s]), median(p99[s]), median(cpu[s]),
              s == 0 ? "1.00" : String.format(Locale.ROOT, "%.2f", median(p50[s]) / bareP50),
              s == 0 ? "—" : String.format(Locale.ROOT, "%+.1f", median(cpu[s]) - bareCpu), errors[s]));
        }
      }
      mesh.close();
      return sb.toString();
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String call(HttpClient client, HttpRequest request) {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200 || !r.body().equals("ok")) {
        return "HTTP " + r.statusCode() + " " + r.headers().firstValue("x-mesh4j-flags").orElse("") + " " + r.body();
      }
      return null;
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  /** Nearest rank, in microseconds, of sorted samples (as {@link Report}'s). */
  private static double percentileMicros(long[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1_000.0;
  }
}
