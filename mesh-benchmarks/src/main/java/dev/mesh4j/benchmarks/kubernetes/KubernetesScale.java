package dev.mesh4j.benchmarks.kubernetes;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.benchmarks.NoopExchange;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.kubernetes.KubernetesSource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kubernetes as the control plane at scale: an API server in this process (fabric8's, CRUD mode)
 * holding {@code services} Services across 100 namespaces, each with {@code endpoints} Pods in one
 * EndpointSlice and a VirtualService; a mesh reading it through {@link KubernetesSource}. Measures
 *
 * <ol>
 *   <li>the initial sync: {@code Mesh.builder()...build()} until the initial state is in force,
 *       and the heap the mesh side retains after it (heap in use after full GCs, minus the same
 *       before the mesh was built: the API server's own share cancels out);
 *   <li>how long after {@code kubectl apply} one VirtualService change is visible to a routing
 *       decision, less the debounce's quiet period ({@code changes} changes, one at a time);
 *   <li>routing decisions' latency while the API server receives {@code updates-per-second}
 *       EndpointSlice updates (an endpoint turning unready or ready again), against the same with
 *       no updates.
 * </ol>
 *
 * <pre>{@code
 * java -Xmx2g -cp mesh-benchmarks/target/benchmarks.jar dev.mesh4j.benchmarks.kubernetes.KubernetesScale \
 *     [--services 10000] [--endpoints 10] [--changes 100] [--updates-per-second 1000] [--update-seconds 30]
 * }</pre>
 */
public final class KubernetesScale {
  private static final int NAMESPACES = 100;
  private static final Duration QUIET = KubernetesSource.DEFAULT_DEBOUNCE_QUIET;

  /** What one run measured. */
  public record Result(int services, int endpoints, int virtualServices, long populateMillis, long syncMillis,
      long retainedBytes, int watches, long[] changeMillisAfterDebounce, double updatesPerSecond,
      long[] decisionNanosQuiet, long[] decisionNanosUnderUpdates, long updatesApplied) {}

  private KubernetesScale() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    Result r = run(Integer.parseInt(o.getOrDefault("services", "10000")),
        Integer.parseInt(o.getOrDefault("endpoints", "10")),
        Integer.parseInt(o.getOrDefault("changes", "100")),
        Integer.parseInt(o.getOrDefault("updates-per-second", "1000")),
        Integer.parseInt(o.getOrDefault("update-seconds", "30")));
    String report = render(r);
    System.out.println(report);
    Path results = Path.of(o.getOrDefault("results", "mesh-benchmarks/results"));
    if (Files.isDirectory(results)) {
      Files.writeString(results.resolve("kubernetes-scale-latest.md"), report);
    }
    System.exit(0); // the in-process API server's event loop is not a daemon thread
  }

  private static void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[kubernetes-scale] " + format + "%n", args);
  }

  public static Result run(int services, int endpoints, int changes, int updatesPerSecond, int updateSeconds)
      throws Exception {
    java.util.logging.Logger serverLog = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    serverLog.setLevel(java.util.logging.Level.WARNING);
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    ExecutorService writers = Executors.newFixedThreadPool(8);
    // Closed after the server, which waits for their watches to close (the JDK's client cannot
    // answer once closed).
    List<KubernetesClient> clients = new ArrayList<>();
    try {
      KubernetesClient kubectl = server.createClient();
      clients.add(kubectl);
      long start = System.nanoTime();
      populate(kubectl, writers, services, endpoints);
      long populateMillis = millisSince(start);
      progress("API server populated in %.1f s", populateMillis / 1000.0);

      long baseline = heapAfterGc();
      KubernetesClient client = server.createClient();
      clients.add(client);
      KubernetesSource source = KubernetesSource.builder(client).initialSyncTimeout(Duration.ofMinutes(5)).build();
      start = System.nanoTime();
      try (Mesh mesh = Mesh.builder().namespace("ns-0").source(source).telemetry(false)
          .random(RandomSource.threadLocal()).build()) {
        long syncMillis = millisSince(start);
        long retained = heapAfterGc() - baseline;
        int watches = source.watches();
        progress("initial sync %.1f s, %.0f MB retained, %d watches", syncMillis / 1000.0, retained / 1e6, watches);

        MeshRequest[] requests = new MeshRequest[1024];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < requests.length; i++) {
          int s = random.nextInt(services);
          requests[i] = MeshRequest.builder("http://" + host(s) + ":9080/items/" + i).header("end-user", "user-" + i)
              .build();
        }
        for (MeshRequest request : requests) { // every request reaches an endpoint
          Object outcome = mesh.execute(request, new NoopExchange());
          if (outcome instanceof LocalReply reply) {
            throw new IllegalStateException(request.authority() + ": " + reply);
          }
        }

        long[] changeMillis = changes(kubectl, mesh, services, changes);
        progress("%d VirtualService changes: p99 %d ms after the debounce", changes, percentile(changeMillis, 99));
        Decisions quiet = Decisions.measure(mesh, requests, Duration.ofSeconds(Math.max(1, updateSeconds / 3)), null);
        Updater updater = new Updater(kubectl, writers, services, endpoints, updatesPerSecond);
        long versionBefore = mesh.version();
        Decisions loaded = Decisions.measure(mesh, requests, Duration.ofSeconds(updateSeconds), updater);
        long applied = mesh.version() - versionBefore;
        source.close();
        return new Result(services, services * endpoints, services, populateMillis, syncMillis, retained,
            watches, changeMillis, updater.achievedPerSecond(), quiet.sorted(), loaded.sorted(), applied);
      }
    } finally {
      writers.shutdown();
      writers.awaitTermination(30, TimeUnit.SECONDS);
      try {
        server.destroy();
      } catch (IllegalStateException e) {
        // The test server's own shutdown is not what is measured; the figures stand.
        progress("the API server did not shut down cleanly: %s", e.getMessage());
      }
      clients.forEach(KubernetesClient::close);
    }
  }

  static String host(int service) {
    return "svc-" + service + ".ns-" + (service % NAMESPACES);
  }

  private static void populate(KubernetesClient kubectl, ExecutorService writers, int services, int endpoints)
      throws Exception {
    for (Map.Entry<String, String> kind : Map.of("VirtualService", "virtualservices", "DestinationRule",
        "destinationrules", "ServiceEntry", "serviceentries", "WorkloadEntry", "workloadentries", "Sidecar", "sidecars",
        "Gateway", "gateways").entrySet()) {
      kubectl.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
          .withNewMetadata().withName(kind.getValue() + ".networking.istio.io").endMetadata()
          .withNewSpec().withGroup("networking.istio.io").withScope("Namespaced")
          .withNewNames().withKind(kind.getKey()).withPlural(kind.getValue()).endNames()
          .addNewVersion().withName("v1").withServed(true).withStorage(true)
          .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
          .endOpenAPIV3Schema().endSchema().endVersion().endSpec().build()).create();
    }
    for (int n = 0; n < NAMESPACES; n++) {
      kubectl.resource(new NamespaceBuilder().withNewMetadata().withName("ns-" + n).endMetadata().build()).create();
    }
    parallel(writers, services, s -> {
      String ns = "ns-" + (s % NAMESPACES);
      List<HasMetadata> objects = new ArrayList<>();
      for (int e = 0; e < endpoints; e++) {
        objects.add(new PodBuilder().withNewMetadata().withNamespace(ns).withName("svc-" + s + "-" + e)
            .withLabels(Map.of("app", "svc-" + s, "version", e % 2 == 0 ? "v1" : "v2",
                "security.istio.io/tlsMode", "istio"))
            .endMetadata().withNewSpec().withServiceAccountName("svc-" + s).withNodeName("node-" + (e % 50))
            .endSpec().build());
      }
      objects.add(new ServiceBuilder().withNewMetadata().withNamespace(ns).withName("svc-" + s).endMetadata()
          .withNewSpec().withSelector(Map.of("app", "svc-" + s)).addNewPort().withName("http").withPort(9080)
          .withTargetPort(new IntOrString(8080)).endPort().endSpec().build());
      objects.add(slice(s, endpoints, -1));
      objects.add(virtualService(s, 0));
      for (HasMetadata o : objects) {
        kubectl.resource(o).create();
      }
    });
  }

  private static void parallel(ExecutorService writers, int n, java.util.function.IntConsumer task) throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    int threads = 8;
    for (int t = 0; t < threads; t++) {
      int first = t;
      futures.add(writers.submit(() -> {
        for (int i = first; i < n; i += threads) {
          task.accept(i);
        }
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }

  /** Service {@code s}'s slice; endpoint {@code unready} (if any) is not ready. */
  static EndpointSlice slice(int s, int endpoints, int unready) {
    String ns = "ns-" + (s % NAMESPACES);
    EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace(ns)
        .withName("svc-" + s + "-slice").withLabels(Map.of("kubernetes.io/service-name", "svc-" + s)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(8080).endPort();
    for (int e = 0; e < endpoints; e++) {
      int a = s * endpoints + e;
      b.addNewEndpoint().withAddresses("10." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255))
          .withNewConditions().withReady(e != unready).endConditions().withNodeName("node-" + (e % 50))
          .withZone("zone-" + (e % 3))
          .withNewTargetRef().withKind("Pod").withNamespace(ns).withName("svc-" + s + "-" + e).endTargetRef()
          .endEndpoint();
    }
    return b.build();
  }

  /** Service {@code s}'s VirtualService at revision {@code rev}: header {@code x-rev: r<rev>} answers 299. */
  static GenericKubernetesResource virtualService(int s, int rev) {
    String ns = "ns-" + (s % NAMESPACES);
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: svc-%1$d, namespace: %2$s}
        spec:
          hosts: [svc-%1$d]
          http:
          - name: rev
            match:
            - headers:
                x-rev: {exact: r%3$d}
            directResponse: {status: 299}
          - name: jason
            match:
            - headers:
                end-user: {exact: jason}
            route:
            - destination: {host: svc-%1$d}
          - route:
            - destination: {host: svc-%1$d}
              weight: 100
            timeout: 10s
        """.formatted(s, ns, rev);
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  /** One VirtualService change at a time: from the API server's answer until a decision sees it. */
  private static long[] changes(KubernetesClient kubectl, Mesh mesh, int services, int changes) throws Exception {
    long[] out = new long[changes];
    java.util.Random random = new java.util.Random(2);
    NoopExchange exchange = new NoopExchange();
    for (int i = 0; i < changes; i++) {
      int s = random.nextInt(services);
      int rev = i + 1;
      MeshRequest probe = MeshRequest.builder("http://" + host(s) + ":9080/").header("x-rev", "r" + rev).build();
      kubectl.resource(virtualService(s, rev)).update();
      long applied = System.nanoTime();
      long deadline = applied + TimeUnit.SECONDS.toNanos(30);
      while (!(mesh.execute(probe, exchange) instanceof LocalReply reply && reply.status() == 299)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("change " + rev + " of " + host(s) + " not visible after 30 s");
        }
        Thread.onSpinWait();
      }
      out[i] = Math.max(0, (System.nanoTime() - applied) / 1_000_000 - QUIET.toMillis());
    }
    Arrays.sort(out);
    return out;
  }

  /** Routing decisions in a loop on this thread, timed one by one. */
  private static final class Decisions {
    private long[] samples = new long[1 << 20];
    private int n;

    static Decisions measure(Mesh mesh, MeshRequest[] requests, Duration duration, Updater updater) throws IOException {
      Decisions d = new Decisions();
      NoopExchange exchange = new NoopExchange();
      if (updater != null) {
        updater.start();
      }
      long end = System.nanoTime() + duration.toNanos();
      int i = 0;
      try {
        while (System.nanoTime() < end) {
          long t0 = System.nanoTime();
          mesh.execute(requests[i++ & (requests.length - 1)], exchange);
          long t = System.nanoTime() - t0;
          if (d.n == d.samples.length) {
            d.samples = Arrays.copyOf(d.samples, d.n * 2);
          }
          d.samples[d.n++] = t;
        }
      } finally {
        if (updater != null) {
          updater.stop();
        }
      }
      return d;
    }

    long[] sorted() {
      long[] s = Arrays.copyOf(samples, n);
      Arrays.sort(s);
      return s;
    }
  }

  /** EndpointSlice updates at a steady rate: each turns one endpoint unready, or ready again. */
  private static final class Updater {
    private final KubernetesClient kubectl;
    private final ExecutorService writers;
    private final int services;
    private final int endpoints;
    private final int perSecond;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong done = new AtomicLong();
    private static final int MAX_IN_FLIGHT = 64;
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
    private Thread pacer;
    private long started;
    private long stopped;

    Updater(KubernetesClient kubectl, ExecutorService writers, int services, int endpoints, int perSecond) {
      this.kubectl = kubectl;
      this.writers = writers;
      this.services = services;
      this.endpoints = endpoints;
      this.perSecond = perSecond;
    }

    void start() {
      running.set(true);
      started = System.nanoTime();
      pacer = new Thread(() -> {
        java.util.Random random = new java.util.Random(3);
        long interval = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        while (running.get()) {
          long now = System.nanoTime();
          if (now < next) {
            java.util.concurrent.locks.LockSupport.parkNanos(next - now);
            continue;
          }
          next += interval;
          int s = random.nextInt(services);
          int unready = random.nextBoolean() ? random.nextInt(endpoints) : -1;
          if (!inFlight.tryAcquire()) {
            continue; // the API server is behind: this update is skipped, and the achieved rate says so
          }
          writers.execute(() -> {
            try {
              kubectl.resource(slice(s, endpoints, unready)).update();
              done.incrementAndGet();
            } finally {
              inFlight.release();
            }
          });
        }
      }, "updates");
      pacer.start();
    }

    void stop() {
      running.set(false);
      stopped = System.nanoTime();
      try {
        pacer.join(5_000);
        // Updates still in flight finish: the mesh applies them after the window.
        inFlight.acquire(MAX_IN_FLIGHT);
        inFlight.release(MAX_IN_FLIGHT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    double achievedPerSecond() {
      return done.get() / ((stopped - started) / 1e9);
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200); // lets reference processing and finalization settle between collections
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  public static String render(Result r) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "## Kubernetes source at scale: %,d services, %,d endpoints (Pods), %,d"
        + " VirtualServices%n%n", r.services(), r.endpoints(), r.virtualServices()));
    out.append("| what | measured | target |\n|---|---|---|\n");
    out.append(String.format(Locale.ROOT, "| initial sync (`build()` until the initial state is in force) | %.1f s | ≤ 10 s |%n",
        r.syncMillis() / 1000.0));
    out.append(String.format(Locale.ROOT, "| heap retained by the mesh side after the sync (full GC) | %.0f MB | ≤ 300 MB |%n",
        r.retainedBytes() / 1e6));
    out.append(String.format(Locale.ROOT, "| watches per mesh | %d | constant |%n", r.watches()));
    out.append(String.format(Locale.ROOT, "| VirtualService change visible, after the %d ms debounce: p50 / p99 / max (%d changes) |"
        + " %d / %d / %d ms | p99 ≤ 200 ms |%n", QUIET.toMillis(), r.changeMillisAfterDebounce().length,
        percentile(r.changeMillisAfterDebounce(), 50), percentile(r.changeMillisAfterDebounce(), 99),
        percentile(r.changeMillisAfterDebounce(), 100)));
    out.append(String.format(Locale.ROOT, "| EndpointSlice updates sustained (achieved) | %.0f /s (%d mesh updates applied) | 1,000 /s |%n",
        r.updatesPerSecond(), r.updatesApplied()));
    out.append(String.format(Locale.ROOT, "| routing decision p50 / p99 / p99.9, no updates | %s / %s / %s µs | |%n",
        micros(percentile(r.decisionNanosQuiet(), 50)), micros(percentile(r.decisionNanosQuiet(), 99)),
        micros(percentile(r.decisionNanosQuiet(), 99.9))));
    out.append(String.format(Locale.ROOT, "| routing decision p50 / p99 / p99.9, under the updates | %s / %s / %s µs | p99 unchanged |%n",
        micros(percentile(r.decisionNanosUnderUpdates(), 50)), micros(percentile(r.decisionNanosUnderUpdates(), 99)),
        micros(percentile(r.decisionNanosUnderUpdates(), 99.9))));
    out.append(String.format(Locale.ROOT, "%nPopulating the API server took %.0f s (not part of the sync).%n",
        r.populateMillis() / 1000.0));
    return out.toString();
  }

  private static String micros(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1000.0);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    return o;
  }
}
