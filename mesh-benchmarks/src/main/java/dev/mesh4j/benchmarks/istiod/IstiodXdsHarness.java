package dev.mesh4j.benchmarks.istiod;

import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.istiod.IstiodSource;
import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.istiod.testing.TestIstiod;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.grpc.ManagedChannel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Figures of the istiod source (issue 14), against the in-process istiod of mesh-istiod's test
 * fixtures serving what istiod's gRPC generator writes:
 *
 * <ul>
 *   <li><b>Push to first request on the new route</b>: bookinfo with real loopback pods; reviews'
 *       VirtualService flips between subsets v1 and v2; the time from handing the server the new
 *       snapshot to the first request answered by the new subset's pod, p50 and p99 over many
 *       flips. Once with a full push of every type, and once with a push after an edit of one
 *       VirtualService (istiod's push of CDS, LDS and RDS, EDS skipped); with the number of
 *       configurations the mesh applied per push.
 *   <li><b>ADS bytes per update</b>: the serialized DiscoveryResponses the server sent for each
 *       kind of update.
 *   <li><b>Memory per 1,000 clusters</b>: 1,000 services, each routed by a VirtualService to
 *       subset v1 of three endpoints (1,000 clusters, 3,000 endpoints), built from xDS and, for
 *       comparison, from the same resources given in code; the live heap by class (a full GC
 *       first) before and after building the mesh.
 * </ul>
 *
 * <p>Run: {@code java -cp mesh-benchmarks/target/benchmarks.jar dev.mesh4j.benchmarks.istiod.IstiodXdsHarness [flips]}
 */
public final class IstiodXdsHarness {
  private static final Pattern HISTOGRAM_ROW = Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*");

  private IstiodXdsHarness() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--memory")) {
      // A child JVM: one way of building the mesh, measured alone.
      System.out.println(memory(1000, args[1].equals("xds")));
      return;
    }
    int flips = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    try (var lock = dev.mesh4j.benchmarks.e2e.MachineLock.acquire(Duration.ofMinutes(10))) {
      figures(flips);
    }
  }

  static void figures(int flips) throws Exception {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "JDK %s, %d cores%n%n", System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors()));
    pushToFirstRequest(flips, out);
    long[] xds = child("xds");
    long[] code = child("code");
    out.append(String.format(Locale.ROOT, "%n1,000 services, 1,000 clusters (subset v1 of 4 pods, 3 in v1), "
        + "each measured in a JVM of its own after a warm-up mesh:%n"));
    out.append(String.format(Locale.ROOT, "- mesh fed by the istiod source: %.2f MB live heap per 1,000 clusters%n",
        xds[0] / 1e6));
    out.append(String.format(Locale.ROOT, "- the same resources given in code (no source): %.2f MB%n", code[0] / 1e6));
    out.append(String.format(Locale.ROOT, "- the istiod source's own share: %.2f MB (%,d bytes per cluster)%n",
        (xds[0] - code[0]) / 1e6, (xds[0] - code[0]) / 1000));
    out.append(String.format(Locale.ROOT, "- initial sync over ADS: %,d bytes (%,d per cluster)%n", xds[1],
        xds[1] / 1000));
    System.out.println(out);
  }

  /** Runs {@code --memory mode} in a JVM of its own: {live heap bytes, ADS bytes}. */
  static long[] child(String mode) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), IstiodXdsHarness.class.getName(),
        "--memory", mode).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("--memory " + mode + " failed: " + text);
    }
    String[] lines = text.split("\n");
    String[] parts = lines[lines.length - 1].trim().split(" ");
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
  }

  static void pushToFirstRequest(int flips, StringBuilder out) throws Exception {
    try (BookinfoPods pods = new BookinfoPods(); TestIstiod istiod = TestIstiod.start()) {
      String all = "bookinfo/destination-rule-all.yaml";
      GrpcGen.Resources v1 = generate(pods, all, "bookinfo/virtual-service-all-v1.yaml");
      GrpcGen.Resources v2 = generate(pods, all, "bookinfo/virtual-service-all-v1.yaml",
          "bookinfo/virtual-service-reviews-v2-v3.yaml");
      GrpcGen.Resources v2only = generate(pods, all, "bookinfo/virtual-service-all-v1.yaml",
          "bookinfo/virtual-service-reviews-test-v2.yaml");
      istiod.push(v1);
      ManagedChannel channel = istiod.channel();
      java.util.concurrent.atomic.AtomicLong applied = new java.util.concurrent.atomic.AtomicLong();
      try (Mesh mesh = Mesh.builder().namespace("default")
          .listener(new dev.mesh4j.core.observe.MeshListener() {
            @Override
            public void configApplied(dev.mesh4j.core.observe.ConfigChange change) {
              applied.incrementAndGet();
            }
          })
          .source(IstiodSource.builder(channel).build()).build()) {
        OkHttpClient client = MeshOkHttp.newClient(mesh);
        // Warm up: every cluster subscribed once, JIT.
        for (int i = 0; i < 50; i++) {
          flip(mesh, istiod, client, i % 2 == 0 ? v2 : v1, i % 2 == 0 ? "reviews-v2|reviews-v3" : "reviews-v1", false);
        }
        for (boolean routesOnly : new boolean[] {false, true}) {
          long[] nanos = new long[flips];
          long bytes0 = istiod.responseBytes();
          long responses0 = istiod.responses();
          long applied0 = applied.get();
          for (int i = 0; i < flips; i++) {
            boolean toV2 = i % 2 == 0;
            GrpcGen.Resources next = routesOnly ? (toV2 ? v2only : v1) : (toV2 ? v2 : v1);
            // test-v2 sends jason to v2: with routes only, the pod answers only for jason.
            nanos[i] = flip(mesh, istiod, client, next, toV2 ? (routesOnly ? "jason:reviews-v2" : "reviews-v2|reviews-v3")
                : "reviews-v1", routesOnly);
          }
          Arrays.sort(nanos);
          out.append(String.format(Locale.ROOT,
              "push to first request on the new route (%s, %d pushes): p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                  + "ADS %,d bytes in %.1f responses per update; %.2f configurations applied per push%n",
              routesOnly ? "one VirtualService edit: CDS, LDS, RDS" : "full push, every type", flips,
              nanos[flips / 2] / 1e6, nanos[(int) (flips * 0.99)] / 1e6, nanos[flips - 1] / 1e6,
              (istiod.responseBytes() - bytes0) / flips, (istiod.responses() - responses0) / (double) flips,
              (applied.get() - applied0) / (double) flips));
        }
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /** Pushes {@code next} and returns the time until a request is answered by one of {@code pods}. */
  static long flip(Mesh mesh, TestIstiod istiod, OkHttpClient client, GrpcGen.Resources next, String pods, boolean routesOnly)
      throws Exception {
    String user = pods.startsWith("jason:") ? "jason" : null;
    List<String> want = List.of((user == null ? pods : pods.substring(6)).split("\\|"));
    long start = System.nanoTime();
    if (routesOnly) {
      istiod.push(TestIstiod.RDS, next.routes());
    } else {
      istiod.push(next);
    }
    long deadline = start + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (true) {
      Request.Builder r = new Request.Builder().url("http://reviews:9080/");
      if (user != null) {
        r.header("end-user", user);
      }
      try (Response response = client.newCall(r.build()).execute()) {
        String backend = response.header("x-backend");
        last = response.code() + " " + backend + " " + response.header("x-mesh4j-flags", "");
        if (backend != null && want.contains(backend)) {
          return System.nanoTime() - start;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the new route never served: " + pods + "; the last answer: " + last + "\n"
            + mesh.explain(dev.mesh4j.core.http.MeshRequest.builder("http://reviews:9080/").build()));
      }
    }
  }

  static GrpcGen.Resources generate(BookinfoPods pods, String... files) {
    return new GrpcGen(BookinfoPods.config(List.of(files)), pods.services, "default", Map.of()).generate();
  }

  /** Builds a mesh of {@code services} from xDS or in code; returns "liveHeapBytes adsBytes". */
  static String memory(int services, boolean xds) throws Exception {
    measure(10, xds); // class loading, static tables and caches, JIT: not the mesh's
    long[] r = measure(services, xds);
    return r[0] + " " + r[1];
  }

  static long[] measure(int services, boolean fromXds) throws Exception {
    MeshConfig.Builder config = MeshConfig.builder();
    List<GrpcGen.Svc> svcs = new ArrayList<>();
    ServiceRegistry registry = new ServiceRegistry();
    for (int i = 0; i < services; i++) {
      String name = "svc-" + i;
      config.add(DestinationRule.builder(name).namespace("default").host(name)
          .subsets(Subset.builder().name("v1").label("version", "v1"), Subset.builder().name("v2").label("version", "v2")));
      config.add(VirtualService.builder(name).namespace("default").hosts(name)
          .http(HttpRoute.builder().route(Destination.of(name, "v1"))));
      List<GrpcGen.Pod> pods = new ArrayList<>();
      List<Endpoint> endpoints = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        String version = p < 3 ? "v1" : "v2";
        String address = "10." + (i / 250) + "." + (i % 250) + "." + (p + 1);
        pods.add(new GrpcGen.Pod(name + "-" + p, address, 8080, Map.of("app", name, "version", version)));
        endpoints.add(new Endpoint(address, 8080, Map.of("app", name, "version", version), 1, null));
      }
      svcs.add(new GrpcGen.Svc(name, "default", 8080, pods));
      registry.register(name, 8080, endpoints);
    }
    MeshConfig mc = config.build();
    if (!fromXds) {
      long before = liveHeap();
      Mesh mesh = Mesh.builder().namespace("default").config(mc).registry(registry).build();
      long after = liveHeap();
      mesh.close();
      return new long[] {after - before, 0};
    }
    GrpcGen.Resources resources = new GrpcGen(mc, svcs, "default", Map.of()).generate();
    try (TestIstiod istiod = TestIstiod.start()) {
      istiod.push(resources);
      ManagedChannel channel = istiod.channel();
      long before = liveHeap();
      long bytes0 = istiod.responseBytes();
      Mesh mesh = Mesh.builder().namespace("default").source(IstiodSource.builder(channel).build()).build();
      long after = liveHeap();
      long sync = istiod.responseBytes() - bytes0;
      mesh.close();
      channel.shutdownNow();
      return new long[] {after - before, sync};
    }
  }

  /** The live heap after a full GC (the class histogram's total), in bytes. */
  static long liveHeap() throws Exception {
    String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    long total = 0;
    for (String line : text.split("\n")) {
      Matcher m = HISTOGRAM_ROW.matcher(line);
      if (m.matches()) {
        total += Long.parseLong(m.group(2));
      }
    }
    return total;
  }
}
