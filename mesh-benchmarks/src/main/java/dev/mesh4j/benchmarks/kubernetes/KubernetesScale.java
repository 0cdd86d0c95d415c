package dev.mesh4j.benchmarks.kubernetes;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.benchmarks.NoopExchange;
import dev.mesh4j.benchmarks.e2e.MachineLock;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.MeshSummary;
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
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kubernetes as the control plane at scale: an API server in this process (fabric8's, CRUD mode,
 * its store indexed by name: {@link IndexedCrudDispatcher}) holding {@code services} Services
 * across 100 namespaces, each with {@code endpoints} Pods in one EndpointSlice and a
 * VirtualService; a mesh reading it through {@link KubernetesSource}. Measures
 *
 * <ol>
 *   <li>the initial sync: {@code Mesh.builder()...build()} until the initial state is in force,
 *       and the heap the mesh side retains once the process is idle again (heap in use after full
 *       GCs, minus the same before the mesh was built: the API server's own share cancels out);
 *   <li>how long after {@code kubectl apply} one VirtualService change is visible to a routing
 *       decision, less the debounce's quiet period ({@code changes} changes, one at a time);
 *   <li>routing decisions' latency while the API server receives {@code updates-per-second}
 *       EndpointSlice updates (an endpoint turning unready or ready again) for
 *       {@code update-seconds}, against the same with no updates; the rate the server accepted;
 *       and whether, and how soon after, the mesh's endpoints show every slice's last state.
 * </ol>
 *
 * <pre>{@code
 * java -Xmx8g -cp mesh-benchmarks/target/benchmarks.jar dev.mesh4j.benchmarks.kubernetes.KubernetesScale \
 *     [--services 10000] [--endpoints 10] [--changes 100] [--updates-per-second 1000] [--update-seconds 30]
 * }</pre>
 */
public final class KubernetesScale {
  private static final int NAMESPACES = 100;
  private static final Duration QUIET = KubernetesSource.DEFAULT_DEBOUNCE_QUIET;
  /** Names the threads of the harness's own Kubernetes client (kubectl) and of its writers. */
  static final String KUBECTL_CLIENT_THREAD = "kubectl-client-";
  static final String WRITER_THREAD = "writer-";
  /** Names the threads of the mesh's Kubernetes client (fabric8's HTTP client and its tasks). */
  static final String MESH_CLIENT_THREAD = "mesh-client-";

  /**
   * What one run measured.
   *
   * @param syncCpuMillis CPU time this process (API server, clients and mesh together) spent during
   *     the initial sync
   * @param settleMillis after the sync, until the process was idle: the API server replaying every
   *     stored object to each watch it opens, and the informers dropping those repeats
   * @param updatesPerSecond EndpointSlice updates the API server accepted, per second of the window
   * @param updatesSkipped updates not sent because the writers were behind (or the slice's previous
   *     update was still in flight)
   * @param slicesUpdated the slices updated
   * @param slicesDelivered of those, the ones whose last state the mesh's endpoints showed after
   *     the window
   * @param deliveredMillis from the end of the window until the mesh showed every last state
   */
  public record Result(int services, int endpoints, int virtualServices, long populateMillis, long syncMillis,
      long syncCpuMillis, long settleMillis, long retainedBytes, int watches, long[] changeMillisAfterDebounce,
      double updatesPerSecond, long updatesSkipped, long[] decisionNanosQuiet, long[] decisionNanosUnderUpdates,
      long updatesApplied, int slicesUpdated, int slicesDelivered, long deliveredMillis,
      Map<String, ThreadCpu.Snapshot> cpu) {}

  private KubernetesScale() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    Result r;
    // Not while JMH or the end-to-end harness runs (other builds it cannot keep away).
    try (MachineLock lock = MachineLock.acquire(Duration.ofMinutes(10))) {
      r = run(Integer.parseInt(o.getOrDefault("services", "10000")),
          Integer.parseInt(o.getOrDefault("endpoints", "10")),
          Integer.parseInt(o.getOrDefault("changes", "100")),
          Integer.parseInt(o.getOrDefault("updates-per-second", "1000")),
          Integer.parseInt(o.getOrDefault("update-seconds", "30")),
          Boolean.parseBoolean(o.getOrDefault("watch-replay", "false")));
    }
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
    return run(services, endpoints, changes, updatesPerSecond, updateSeconds, false);
  }

  /**
   * @param watchReplay whether the API server opens each watch by sending every object it matches
   *     (fabric8's mock does; a real API server sends only what changed after the list): the
   *     informers decode every one of them and drop it as a repeat
   */
  public static Result run(int services, int endpoints, int changes, int updatesPerSecond, int updateSeconds,
      boolean watchReplay) throws Exception {
    java.util.logging.Logger serverLog = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    serverLog.setLevel(java.util.logging.Level.WARNING);
    IndexedCrudDispatcher api = new IndexedCrudDispatcher(watchReplay);
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), api,
        false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    RequestLogDrain drain = new RequestLogDrain(server);
    ExecutorService writers = Executors.newFixedThreadPool(8, named(WRITER_THREAD));
    ThreadCpu cpu = new ThreadCpu().start();
    // Closed after the server, which waits for their watches to close (the JDK's client cannot
    // answer once closed).
    List<KubernetesClient> clients = new ArrayList<>();
    try {
      KubernetesClient kubectl = client(server, KUBECTL_CLIENT_THREAD);
      clients.add(kubectl);
      long start = System.nanoTime();
      String[] sliceVersions = populate(kubectl, api, services, endpoints);
      long populateMillis = millisSince(start);
      progress("API server populated in %.1f s", populateMillis / 1000.0);
      // The JDK client's selector thread is named by the client's number alone: kubectl's exists now.
      cpu.claimLive("HttpClient-", ThreadCpu.Group.WRITERS);

      long baseline = heapAfterGc();
      KubernetesClient client = client(server, MESH_CLIENT_THREAD);
      clients.add(client);
      KubernetesSource source = KubernetesSource.builder(client).initialSyncTimeout(Duration.ofMinutes(5)).build();
      start = System.nanoTime();
      long cpuStart = processCpuNanos();
      ThreadCpu.Snapshot beforeSync = cpu.snapshot();
      try (Mesh mesh = Mesh.builder().namespace("ns-0").source(source).telemetry(false)
          .random(RandomSource.threadLocal()).build()) {
        long syncMillis = millisSince(start);
        long syncCpuMillis = (processCpuNanos() - cpuStart) / 1_000_000;
        ThreadCpu.Snapshot syncCpu = cpu.snapshot().minus(beforeSync);
        progress("initial sync CPU by thread group:%n%s", syncCpu.render("sync"));
        int watches = source.watches();
        progress("initial sync %.1f s (%.1f s of CPU, server and mesh together), %d watches", syncMillis / 1000.0,
            syncCpuMillis / 1000.0, watches);
        start = System.nanoTime();
        ThreadCpu.Snapshot beforeSettle = cpu.snapshot();
        awaitIdle(Duration.ofMinutes(2));
        long settleMillis = millisSince(start);
        ThreadCpu.Snapshot settleCpu = cpu.snapshot().minus(beforeSettle);
        long retained = heapAfterGc() - baseline;
        progress("idle %.1f s later (the server's watch replays, if on, done), %.0f MB retained by the mesh side",
            settleMillis / 1000.0, retained / 1e6);

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

        ThreadCpu.Snapshot beforeChanges = cpu.snapshot();
        long[] changeMillis = changes(kubectl, mesh, services, changes);
        ThreadCpu.Snapshot changesCpu = cpu.snapshot().minus(beforeChanges);
        progress("%d VirtualService changes: p50 %d, p99 %d ms after the debounce", changes,
            percentile(changeMillis, 50), percentile(changeMillis, 99));
        Decisions quiet = Decisions.measure(mesh, requests, Duration.ofSeconds(Math.max(1, updateSeconds / 3)), null);
        Updater updater = new Updater(kubectl, writers, services, endpoints, updatesPerSecond, sliceVersions);
        long versionBefore = mesh.version();
        ThreadCpu.Snapshot beforeUpdates = cpu.snapshot();
        Decisions loaded = Decisions.measure(mesh, requests, Duration.ofSeconds(updateSeconds), updater);
        long applied = mesh.version() - versionBefore;
        progress("%.0f EndpointSlice updates/s accepted (%d skipped), %d mesh updates applied",
            updater.achievedPerSecond(), updater.skipped(), applied);
        start = System.nanoTime();
        int[] delivered = awaitDelivered(mesh, updater, endpoints,
            KubernetesSource.DEFAULT_DEBOUNCE_MAX.plusSeconds(20));
        long deliveredMillis = millisSince(start);
        ThreadCpu.Snapshot updatesCpu = cpu.snapshot().minus(beforeUpdates);
        progress("CPU by thread (name with digits as N, group, CPU seconds since the thread started):%n%s",
            cpu.names());
        progress("%d of %d slices' last state in force %.1f s after the updates stopped", delivered[0], delivered[1],
            deliveredMillis / 1000.0);
        source.close();
        return new Result(services, services * endpoints, services, populateMillis, syncMillis, syncCpuMillis,
            settleMillis, retained,
            watches, changeMillis, updater.achievedPerSecond(), updater.skipped(), quiet.sorted(), loaded.sorted(),
            applied, delivered[1], delivered[0], deliveredMillis,
            Map.of("sync", syncCpu, "settle", settleCpu, "changes", changesCpu, "updates", updatesCpu));
      }
    } finally {
      cpu.close();
      drain.close();
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

  /**
   * A client of the API server whose threads (fabric8's tasks, the JDK HTTP client's workers) are
   * named {@code prefix...}, so that their CPU time is told apart ({@link ThreadCpu}).
   */
  private static KubernetesClient client(KubernetesMockServer server, String prefix) {
    ExecutorService http = Executors.newCachedThreadPool(named(prefix + "http-"));
    ExecutorService tasks = Executors.newCachedThreadPool(named(prefix + "task-"));
    // A list of 100,000 Pods from this server, on a loaded machine, can take longer than fabric8's
    // default 10 s request timeout (then the informer lists again, and again).
    io.fabric8.kubernetes.client.Config config;
    try (KubernetesClient probe = server.createClient()) {
      config = new io.fabric8.kubernetes.client.ConfigBuilder(probe.getConfiguration()).withRequestTimeout(120_000)
          .build();
    }
    return server.createClient(b -> b.withConfig(config).withTaskExecutor(tasks).withHttpClientFactory(new JdkHttpClientFactory() {
      @Override
      protected void additionalConfig(java.net.http.HttpClient.Builder builder) {
        builder.executor(http);
      }
    }));
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  static String host(int service) {
    return "svc-" + service + ".ns-" + (service % NAMESPACES);
  }

  /**
   * Istio's CRDs and the namespaces over HTTP, as {@code kubectl} would; then every Service, Pod,
   * EndpointSlice and VirtualService as a POST handed straight to the API server's dispatcher
   * ({@link IndexedCrudDispatcher#handleCreate}): the same handler as over HTTP, so the store holds
   * what {@code kubectl create} would have put there, without 230,000 HTTP round trips before the
   * mesh starts. Returns each EndpointSlice's resource version.
   */
  private static String[] populate(KubernetesClient kubectl, IndexedCrudDispatcher api, int services,
      int endpoints) {
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
    String[] sliceVersions = new String[services];
    for (int s = 0; s < services; s++) {
      String ns = "ns-" + (s % NAMESPACES);
      for (int e = 0; e < endpoints; e++) {
        create(api, "/api/v1/namespaces/" + ns + "/pods", new PodBuilder().withNewMetadata().withNamespace(ns)
            .withName("svc-" + s + "-" + e)
            .withLabels(Map.of("app", "svc-" + s, "version", e % 2 == 0 ? "v1" : "v2",
                "security.istio.io/tlsMode", "istio"))
            .endMetadata().withNewSpec().withServiceAccountName("svc-" + s).withNodeName("node-" + (e % 50))
            .endSpec().build());
      }
      create(api, "/api/v1/namespaces/" + ns + "/services", new ServiceBuilder().withNewMetadata().withNamespace(ns)
          .withName("svc-" + s).endMetadata()
          .withNewSpec().withSelector(Map.of("app", "svc-" + s)).addNewPort().withName("http").withPort(9080)
          .withTargetPort(new IntOrString(8080)).endPort().endSpec().build());
      String slice = create(api, "/apis/discovery.k8s.io/v1/namespaces/" + ns + "/endpointslices",
          Serialization.asJson(slice(s, endpoints, -1)));
      sliceVersions[s] = Serialization.unmarshal(slice, EndpointSlice.class).getMetadata().getResourceVersion();
      create(api, "/apis/networking.istio.io/v1/namespaces/" + ns + "/virtualservices", virtualServiceJson(s, 0));
    }
    return sliceVersions;
  }

  private static void create(IndexedCrudDispatcher api, String path, HasMetadata object) {
    create(api, path, Serialization.asJson(object));
  }

  /** POSTs {@code json} to the dispatcher; returns what it stored. */
  private static String create(IndexedCrudDispatcher api, String path, String json) {
    MockResponse response = api.handleCreate(new RecordedRequest("HTTP/1.1", HttpMethod.POST, path,
        Headers.builder().setHeader("Content-Type", "application/json").build(),
        new Buffer(json.getBytes(StandardCharsets.UTF_8))));
    String body = response.getBody().readUtf8();
    if (response.code() != HttpURLConnection.HTTP_CREATED) {
      throw new IllegalStateException("POST " + path + ": " + response.code() + " " + body);
    }
    return body;
  }

  /** Service {@code s}'s slice; endpoint {@code unready} (if any) is not ready. */
  static EndpointSlice slice(int s, int endpoints, int unready) {
    String ns = "ns-" + (s % NAMESPACES);
    EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace(ns)
        .withName("svc-" + s + "-slice").withLabels(Map.of("kubernetes.io/service-name", "svc-" + s)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(8080).endPort();
    for (int e = 0; e < endpoints; e++) {
      b.addNewEndpoint().withAddresses(address(s, endpoints, e))
          .withNewConditions().withReady(e != unready).endConditions().withNodeName("node-" + (e % 50))
          .withZone("zone-" + (e % 3))
          .withNewTargetRef().withKind("Pod").withNamespace(ns).withName("svc-" + s + "-" + e).endTargetRef()
          .endEndpoint();
    }
    return b.build();
  }

  /** The address of endpoint {@code e} of service {@code s}. */
  static String address(int s, int endpoints, int e) {
    int a = s * endpoints + e;
    return "10." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255);
  }

  /** Service {@code s}'s VirtualService at revision {@code rev}: header {@code x-rev: r<rev>} answers 299. */
  static GenericKubernetesResource virtualService(int s, int rev) {
    return Serialization.unmarshal(virtualServiceJson(s, rev), GenericKubernetesResource.class);
  }

  private static String virtualServiceJson(int s, int rev) {
    String ns = "ns-" + (s % NAMESPACES);
    return """
        {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
         "metadata": {"name": "svc-%1$d", "namespace": "%2$s"},
         "spec": {
           "hosts": ["svc-%1$d"],
           "http": [
             {"name": "rev", "match": [{"headers": {"x-rev": {"exact": "r%3$d"}}}], "directResponse": {"status": 299}},
             {"name": "jason", "match": [{"headers": {"end-user": {"exact": "jason"}}}],
              "route": [{"destination": {"host": "svc-%1$d"}}]},
             {"route": [{"destination": {"host": "svc-%1$d"}, "weight": 100}], "timeout": "10s"}
           ]
         }}
        """.formatted(s, ns, rev);
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

  /**
   * EndpointSlice updates at a steady rate, as the EndpointSlice controller makes them: each turns
   * one endpoint of a random service unready, or all ready again, and is a PUT carrying the
   * resource version of the slice's last write (the controller's cache), one at a time per slice.
   */
  private static final class Updater {
    private static final int MAX_IN_FLIGHT = 64;
    private final KubernetesClient kubectl;
    private final ExecutorService writers;
    private final int services;
    private final int endpoints;
    private final int perSecond;
    /** Each slice's resource version after its last write. Guarded by its {@link #busy} flag. */
    private final String[] versions;
    /** Each slice's unready endpoint after its last write (-1: none); -2 if never updated. */
    private final AtomicIntegerArray state;
    private final AtomicIntegerArray busy;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
    private Thread pacer;
    private long started;
    private long stopped;

    Updater(KubernetesClient kubectl, ExecutorService writers, int services, int endpoints, int perSecond,
        String[] versions) {
      this.kubectl = kubectl;
      this.writers = writers;
      this.services = services;
      this.endpoints = endpoints;
      this.perSecond = perSecond;
      this.versions = versions;
      this.state = new AtomicIntegerArray(services);
      this.busy = new AtomicIntegerArray(services);
      for (int s = 0; s < services; s++) {
        state.set(s, -2);
      }
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
          if (!busy.compareAndSet(s, 0, 1)) {
            skipped.incrementAndGet(); // this slice's last update is still in flight
            continue;
          }
          if (!inFlight.tryAcquire()) {
            busy.set(s, 0);
            skipped.incrementAndGet(); // the API server is behind: the achieved rate says so
            continue;
          }
          writers.execute(() -> {
            try {
              EndpointSlice slice = slice(s, endpoints, unready);
              slice.getMetadata().setResourceVersion(versions[s]);
              versions[s] = kubectl.resource(slice).update().getMetadata().getResourceVersion();
              state.set(s, unready);
              done.incrementAndGet();
            } finally {
              busy.set(s, 0);
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

    long skipped() {
      return skipped.get();
    }

    /** The unready endpoint of slice {@code s} after its last update; -1 for none, -2 if it was not updated. */
    int lastUnready(int s) {
      return state.get(s);
    }
  }

  /**
   * Waits until every slice the updater wrote shows its last state in the mesh: the service's
   * endpoints are its ready addresses. Returns {delivered, updated}.
   */
  private static int[] awaitDelivered(Mesh mesh, Updater updater, int endpoints, Duration timeout)
      throws InterruptedException {
    Map<String, Integer> expected = new HashMap<>();
    for (int s = 0; s < updater.services; s++) {
      if (updater.lastUnready(s) != -2) {
        expected.put(host(s) + ".svc.cluster.local", s);
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    int delivered;
    do {
      delivered = 0;
      for (MeshSummary.Cluster c : mesh.describe().clusters()) {
        Integer s = expected.get(c.service());
        if (s == null || c.subset() != null || c.port() != 9080) {
          continue;
        }
        java.util.Set<String> want = new java.util.HashSet<>();
        for (int e = 0; e < endpoints; e++) {
          if (e != updater.lastUnready(s)) {
            want.add(address(s, endpoints, e) + ":8080");
          }
        }
        java.util.Set<String> have = new java.util.HashSet<>();
        c.endpoints().forEach(ep -> have.add(ep.address()));
        if (have.equals(want)) {
          delivered++;
        }
      }
      if (delivered == expected.size()) {
        break;
      }
      Thread.sleep(100); // polls the mesh's state; the figure is the time until it is complete
    } while (System.nanoTime() < deadline);
    return new int[] {delivered, expected.size()};
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Waits until this process has been idle (under a tenth of a core) for a second: after the sync,
   * fabric8's API server sends every watch it opens all it stores as ADDED events, which the
   * informers drop as repeats (same resource version); the measurements start after that, or
   * after {@code timeout} if something else keeps the process busy.
   */
  private static void awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long cpu = processCpuNanos();
    long wall = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(1_000); // a one-second window of CPU time
      long cpuNow = processCpuNanos();
      long wallNow = System.nanoTime();
      if (cpuNow - cpu < (wallNow - wall) / 10) {
        return;
      }
      cpu = cpuNow;
      wall = wallNow;
    }
    progress("not idle after %d s: measuring anyway", timeout.toSeconds());
  }

  /**
   * fabric8's server keeps every request it receives (bodies included) for tests to inspect; at
   * thousands of requests a second that is the harness's heap growing, and its collector pausing
   * the timed thread. This takes them off as they come. Nothing the mesh sees depends on it.
   */
  private static final class RequestLogDrain implements AutoCloseable {
    private final Thread thread;
    private volatile boolean closed;

    RequestLogDrain(KubernetesMockServer server) {
      thread = new Thread(() -> {
        while (!closed) {
          try {
            server.takeRequest(100, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "request-log-drain");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      closed = true;
      thread.join(5_000);
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
    out.append(String.format(Locale.ROOT, "| initial sync (`build()` until the initial state is in force) | %.1f s"
        + " (%.1f s of CPU: server, clients and mesh) | ≤ 10 s |%n", r.syncMillis() / 1000.0, r.syncCpuMillis() / 1000.0));
    out.append(String.format(Locale.ROOT, "| heap retained by the mesh side (full GC, once idle) | %.0f MB | ≤ 300 MB |%n",
        r.retainedBytes() / 1e6));
    out.append(String.format(Locale.ROOT, "| watches per mesh | %d | constant |%n", r.watches()));
    out.append(String.format(Locale.ROOT, "| VirtualService change visible, after the %d ms debounce: p50 / p99 / max (%d changes) |"
        + " %d / %d / %d ms | p99 ≤ 200 ms |%n", QUIET.toMillis(), r.changeMillisAfterDebounce().length,
        percentile(r.changeMillisAfterDebounce(), 50), percentile(r.changeMillisAfterDebounce(), 99),
        percentile(r.changeMillisAfterDebounce(), 100)));
    out.append(String.format(Locale.ROOT, "| EndpointSlice updates accepted by the API server | %.0f /s (%d skipped) | 1,000 /s |%n",
        r.updatesPerSecond(), r.updatesSkipped()));
    out.append(String.format(Locale.ROOT, "| ... delivered: slices whose last state the mesh shows | %d of %d, %.1f s after the"
        + " updates stopped (%d mesh updates applied during them) | all |%n", r.slicesDelivered(), r.slicesUpdated(),
        r.deliveredMillis() / 1000.0, r.updatesApplied()));
    out.append(String.format(Locale.ROOT, "| routing decision p50 / p99 / p99.9, no updates | %s / %s / %s µs | |%n",
        micros(percentile(r.decisionNanosQuiet(), 50)), micros(percentile(r.decisionNanosQuiet(), 99)),
        micros(percentile(r.decisionNanosQuiet(), 99.9))));
    out.append(String.format(Locale.ROOT, "| routing decision p50 / p99 / p99.9, under the updates | %s / %s / %s µs | p99 unchanged |%n",
        micros(percentile(r.decisionNanosUnderUpdates(), 50)), micros(percentile(r.decisionNanosUnderUpdates(), 99)),
        micros(percentile(r.decisionNanosUnderUpdates(), 99.9))));
    out.append("\nCPU time and allocation by thread group (`ThreadMXBean`), per phase: sync = `build()`;"
        + " settle = after it, until the process is idle (the server's watch replays, with `--watch-replay true`); changes = the VirtualService"
        + " changes; updates = the EndpointSlice updates until their delivery.\n\n"
        + "| phase | threads | CPU | allocated |\n|---|---|---|---|\n");
    for (String phase : List.of("sync", "settle", "changes", "updates")) {
      ThreadCpu.Snapshot s = r.cpu().get(phase);
      if (s != null) {
        out.append(s.render(phase));
      }
    }
    out.append(String.format(Locale.ROOT, "%nPopulating the API server took %.0f s (not part of the sync); after the sync,"
        + " the process was busy %.1f s more with the server's watch replays (not part of the sync either).%n",
        r.populateMillis() / 1000.0, r.settleMillis() / 1000.0));
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
