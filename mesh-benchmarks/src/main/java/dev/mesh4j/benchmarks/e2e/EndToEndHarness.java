package dev.mesh4j.benchmarks.e2e;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * The end-to-end comparison: the same GET, at fixed concurrency levels and a fixed request count,
 * sent (a) by bare OkHttp straight to a backend, (b) by OkHttp with mesh4j and bookinfo's
 * 10/10/80 canary of {@code reviews} over three backend ports, and (c) by bare OkHttp through a
 * local reverse proxy standing in for a sidecar (started by {@code run-e2e.sh}, which passes its
 * address and process id). Prints one table of p50/p90/p99 latency, throughput and CPU per 1,000
 * requests, and the ratios (b)/(a) and (c)/(a).
 *
 * <p>The backend ({@link FixedLatencyBackend}) runs in a child JVM so that the client's CPU time
 * is the client's alone. Setups take turns within each round (the first setup rotates), rounds
 * are pooled, so drift on a shared machine falls on all three alike.
 *
 * <pre>
 * EndToEndHarness [--requests N] [--warmup N] [--jit-warmup N] [--rounds N]
 *                 [--concurrency 1,8,64] [--latency-ms 0,1] [--backend-ports p1,p2,p3]
 *                 [--proxy-url http://127.0.0.1:18080 --proxy-pid PID --proxy-name NAME]
 *                 [--proxy-unavailable REASON] [--machine-lock-wait-s S]
 *                 [--max-other-load 0.10] [--retries 2] [--out FILE]
 * </pre>
 *
 * <p>A run during which other programs took more than {@code --max-other-load} of the machine's
 * CPU is measured again, up to {@code --retries} times; the report counts these.
 *
 * <p>With {@code --machine-lock-wait-s}, the harness first takes JMH's machine-wide lock
 * ({@code $TMPDIR/jmh.lock}), waiting up to that long for a JMH run elsewhere on the machine to
 * end, and holds it while it measures, so that JMH runs wait for it in turn.
 */
public final class EndToEndHarness {

  /** The three ways of sending. */
  enum Setup {
    BARE("(a) bare OkHttp"),
    MESHED("(b) OkHttp + mesh4j"),
    PROXY("(c) OkHttp → proxy");

    final String label;

    Setup(String label) {
      this.label = label;
    }
  }

  /** Command-line settings. */
  record Options(int requests, int warmup, int jitWarmup, int rounds, List<Integer> concurrency,
      List<Integer> latenciesMs, int[] backendPorts, String proxyUrl, long proxyPid, String proxyName,
      String proxyUnavailable, int machineLockWaitSeconds, double maxOtherLoad, int retries, Path out) {

    static Options parse(String... args) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --option value pairs, got: " + String.join(" ", args));
        }
        m.put(args[i].substring(2), args[++i]);
      }
      Options o = new Options(
          Integer.parseInt(m.getOrDefault("requests", "8000")),
          Integer.parseInt(m.getOrDefault("warmup", "1000")),
          Integer.parseInt(m.getOrDefault("jit-warmup", "30000")),
          Integer.parseInt(m.getOrDefault("rounds", "5")),
          ints(m.getOrDefault("concurrency", "1,8,64")),
          ints(m.getOrDefault("latency-ms", "0,1")),
          ints(m.getOrDefault("backend-ports", "0,0,0")).stream().mapToInt(Integer::intValue).toArray(),
          m.get("proxy-url"),
          Long.parseLong(m.getOrDefault("proxy-pid", "-1")),
          m.getOrDefault("proxy-name", "proxy"),
          m.getOrDefault("proxy-unavailable", "not started (no --proxy-url)"),
          Integer.parseInt(m.getOrDefault("machine-lock-wait-s", "-1")),
          Double.parseDouble(m.getOrDefault("max-other-load", "0.10")),
          Integer.parseInt(m.getOrDefault("retries", "2")),
          m.containsKey("out") ? Path.of(m.get("out")) : null);
      m.keySet().removeAll(List.of("requests", "warmup", "jit-warmup", "rounds", "concurrency",
          "latency-ms", "backend-ports", "proxy-url", "proxy-pid", "proxy-name", "proxy-unavailable",
          "machine-lock-wait-s", "max-other-load", "retries", "out"));
      if (!m.isEmpty()) {
        throw new IllegalArgumentException("unknown options: " + m.keySet());
      }
      if (o.backendPorts.length != 3) {
        throw new IllegalArgumentException("--backend-ports: three ports (v1,v2,v3), 0 for any");
      }
      return o;
    }

    private static List<Integer> ints(String csv) {
      return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }
  }

  private EndToEndHarness() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    String table;
    if (options.machineLockWaitSeconds() >= 0) {
      try (MachineLock lock = MachineLock.acquire(Duration.ofSeconds(options.machineLockWaitSeconds()))) {
        table = run(options);
      }
    } else {
      table = run(options);
    }
    System.out.println(table);
    if (options.out() != null) {
      Files.createDirectories(options.out().toAbsolutePath().getParent());
      Files.writeString(options.out(), table, StandardCharsets.UTF_8);
    }
  }

  /** Runs every cell and returns the report (Markdown). */
  static String run(Options o) throws Exception {
    try (BackendProcess backend = BackendProcess.start(o.backendPorts())) {
      int[] ports = backend.ports;
      String proxyProblem = o.proxyUrl() == null ? o.proxyUnavailable() : reachable(o.proxyUrl());
      Map<Setup, Target> targets = new EnumMap<>(Setup.class);
      targets.put(Setup.BARE, new Target(client(), "http://127.0.0.1:" + ports[2] + "/reviews/1", null));
      Mesh mesh = Mesh.builder()
          .configResource("bookinfo/virtual-service-reviews-canary-10-10-80.yaml")
          .configResource("bookinfo/destination-rule-all.yaml")
          .registry(new ServiceRegistry().register("reviews", 9080,
              Endpoint.of("127.0.0.1", ports[0]).withLabel("version", "v1"),
              Endpoint.of("127.0.0.1", ports[1]).withLabel("version", "v2"),
              Endpoint.of("127.0.0.1", ports[2]).withLabel("version", "v3")))
          .dnsRefreshInterval(Duration.ZERO)
          .build();
      targets.put(Setup.MESHED, new Target(
          MeshOkHttp.install(mesh, client().newBuilder()).build(), "http://reviews:9080/reviews/1", mesh));
      if (proxyProblem == null) {
        targets.put(Setup.PROXY, new Target(client(), o.proxyUrl() + "/reviews/1", null));
      }
      try {
        Report report = new Report(o, proxyProblem);
        // Warm every setup's code paths before anything is measured.
        for (Target t : targets.values()) {
          ClosedLoop.run(t.client, t.request(0), Math.min(8, o.concurrency().stream().max(Integer::compare).orElse(1)),
              o.jitWarmup(), -1, -1);
        }
        List<Setup> setups = new ArrayList<>(targets.keySet());
        for (int round = 0; round < o.rounds(); round++) {
          for (int latency : o.latenciesMs()) {
            for (int concurrency : o.concurrency()) {
              for (int s = 0; s < setups.size(); s++) {
                Setup setup = setups.get((s + round) % setups.size());
                Target t = targets.get(setup);
                Request request = t.request(latency);
                ClosedLoop.run(t.client, request, concurrency, o.warmup(), -1, -1);
                long proxyPid = setup == Setup.PROXY ? o.proxyPid() : -1;
                ClosedLoop.Run run = ClosedLoop.run(t.client, request, concurrency, o.requests(), proxyPid,
                    backend.pid());
                // Another program took a slice of the machine: measure again, a little later.
                for (int retry = 0; retry < o.retries() && run.otherShare() > o.maxOtherLoad(); retry++) {
                  report.repeated();
                  Thread.sleep(3_000);
                  run = ClosedLoop.run(t.client, request, concurrency, o.requests(), proxyPid, backend.pid());
                }
                report.add(latency, concurrency, setup, run);
              }
            }
          }
        }
        return report.render();
      } finally {
        for (Target t : targets.values()) {
          t.close();
        }
      }
    }
  }

  /** Null when something accepts connections at the URL's address, else why not. */
  private static String reachable(String url) {
    URI uri = URI.create(url);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
        return null;
      } catch (IOException e) {
        last = e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return "proxy at " + url + " not reachable: " + last;
  }

  /** A client with its own connection pool, large enough to keep every connection of 64 threads. */
  private static OkHttpClient client() {
    return new OkHttpClient.Builder()
        .connectionPool(new ConnectionPool(256, 5, TimeUnit.MINUTES))
        .build();
  }

  /** A client and where it sends. */
  private record Target(OkHttpClient client, String url, Mesh mesh) {
    Request request(int latencyMs) {
      return new Request.Builder().url(url + "?delay_ms=" + latencyMs).build();
    }

    void close() {
      if (mesh != null) {
        mesh.close();
      }
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  /** The backend in a child JVM; ends when our stdin to it closes. */
  static final class BackendProcess implements AutoCloseable {
    final Process process;
    final int[] ports;

    private BackendProcess(Process process, int[] ports) {
      this.process = process;
      this.ports = ports;
    }

    static BackendProcess start(int[] ports) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
          "-cp", System.getProperty("java.class.path"), FixedLatencyBackend.class.getName()));
      for (int p : ports) {
        cmd.add(Integer.toString(p));
      }
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
      String line = out.readLine();
      if (line == null || !line.startsWith("READY ")) {
        p.destroyForcibly();
        throw new IOException("backend did not start: " + line);
      }
      int[] bound = Arrays.stream(line.substring(6).trim().split(" ")).mapToInt(Integer::parseInt).toArray();
      return new BackendProcess(p, bound);
    }

    long pid() {
      return process.pid();
    }

    @Override
    public void close() {
      try {
        process.getOutputStream().close();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (IOException e) {
        process.destroyForcibly();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
