package dev.mesh4j.samples.bookinfo;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.http.MeshRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import dev.mesh4j.okhttp.MeshOkHttp;

/**
 * Istio's bookinfo traffic-management tasks, run in one process: loopback servers play the
 * pods, the productpage's OkHttp client carries the mesh, and each scene is applied by
 * rewriting the manifest folder and calling {@code mesh.reload()}.
 */
public final class BookinfoDemo {
  private static final int REQUESTS = 200;

  private BookinfoDemo() {}

  public static void main(String[] args) throws Exception {
    Path config = Files.createTempDirectory("bookinfo-istio");
    List<Pod> pods = new ArrayList<>();
    try {
      Pod productpage = add(pods, "productpage-v1", "productpage", "v1");
      Pod details = add(pods, "details-v1", "details", "v1");
      Pod ratings = add(pods, "ratings-v1", "ratings", "v1");
      Pod reviewsV1 = add(pods, "reviews-v1", "reviews", "v1");
      Pod reviewsV2 = add(pods, "reviews-v2", "reviews", "v2");
      Pod reviewsV3 = add(pods, "reviews-v3", "reviews", "v3");
      Pod external = new Pod("httpbin.org", Map.of());
      pods.add(external);

      ServiceRegistry registry = new ServiceRegistry()
          .register("productpage", 9080, productpage.endpoint())
          .register("details", 9080, details.endpoint())
          .register("ratings", 9080, ratings.endpoint())
          .register("reviews", 9080, reviewsV1.endpoint(), reviewsV2.endpoint(), reviewsV3.endpoint());

      copy("destination-rule-all.yaml", config);
      copy("virtual-service-all-v1.yaml", config);
      try (Mesh mesh = Mesh.builder()
          .configDirectory(config)
          .namespace("default")
          .workloadName("productpage-v1")
          .workloadLabel("app", "productpage")
          .workloadLabel("version", "v1")
          .registry(registry)
          .build()) {
        // The application's own DNS knows httpbin.org; passthrough traffic uses it, as it
        // would leave a pod through its sidecar.
        OkHttpClient client = MeshOkHttp.install(mesh, new OkHttpClient.Builder().dns(host ->
            host.equals("httpbin.org") ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host))).build();
        String reviews = "http://reviews:9080/reviews/0";

        banner("mesh4j bookinfo demo: productpage calls reviews through an in-process mesh");
        System.out.println("Backends: " + pods.stream().map(p -> p.name() + "@127.0.0.1:" + p.port()).toList());

        scene("1. All traffic to v1 (virtual-service-all-v1.yaml)");
        table(run(client, i -> get(reviews)));

        scene("2. Canary: 10% v1, 10% v2, 80% v3 (virtual-service-reviews-canary-10-10-80.yaml)");
        switchTo(config, mesh, "virtual-service-all-v1.yaml", "virtual-service-reviews-canary-10-10-80.yaml");
        table(run(client, i -> get(reviews)));

        scene("3. end-user: jason goes to v2, everyone else to v1 (virtual-service-reviews-test-v2.yaml)");
        switchTo(config, mesh, "virtual-service-reviews-canary-10-10-80.yaml", "virtual-service-reviews-test-v2.yaml");
        System.out.println("   as jason:");
        table(run(client, i -> get(reviews).header("end-user", "jason")));
        System.out.println("   as anyone else:");
        table(run(client, i -> get(reviews).header("end-user", "user-" + i)));
        System.out.println();
        System.out.println(indent(mesh.explain(MeshRequest.builder(reviews).header("end-user", "jason").build()).toString()));

        scene("4. ?test-v2=true goes to v2 (virtual-service-reviews-query-v2.yaml)");
        switchTo(config, mesh, "virtual-service-reviews-test-v2.yaml", "virtual-service-reviews-query-v2.yaml");
        System.out.println("   with ?test-v2=true:");
        table(run(client, i -> get(reviews + "?test-v2=true")));
        System.out.println("   without:");
        table(run(client, i -> get(reviews)));

        String outside = "http://httpbin.org:" + external.port() + "/get";
        scene("5. A host that is not a service: " + outside);
        System.out.println("   outbound policy ALLOW_ANY (Istio's default): passed through");
        table(run(client, i -> get(outside), 20));
        copy("sidecar-registry-only.yaml", config);
        mesh.reload();
        int before = external.requests();
        System.out.println("   Sidecar outboundTrafficPolicy REGISTRY_ONLY: blocked");
        table(run(client, i -> get(outside), 20));
        System.out.println("   requests that reached httpbin.org under REGISTRY_ONLY: " + (external.requests() - before));
        System.out.println("   reviews still works: " + run(client, i -> get(reviews)).keySet());

        scene("6. Telemetry: productpage handles end-user: jason with a B3 trace and calls reviews, copying no header");
        Files.deleteIfExists(config.resolve("sidecar-registry-only.yaml"));
        switchTo(config, mesh, "virtual-service-reviews-query-v2.yaml", "virtual-service-reviews-test-v2.yaml");
        TelemetryScene.run(config, registry, reviewsV2);
      }
    } finally {
      pods.forEach(Pod::close);
      deleteRecursively(config);
    }
  }

  private static Pod add(List<Pod> pods, String name, String app, String version) throws IOException {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", app);
    labels.put("version", version);
    Pod p = new Pod(name, labels);
    pods.add(p);
    return p;
  }

  private static Request.Builder get(String url) {
    return new Request.Builder().url(url);
  }

  /** Sends requests and counts answers by "status body". */
  private static Map<String, Integer> run(OkHttpClient client, IntFunction<Request.Builder> request) {
    return run(client, request, REQUESTS);
  }

  private static Map<String, Integer> run(OkHttpClient client, IntFunction<Request.Builder> request, int n) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      try (Response r = client.newCall(request.apply(i).build()).execute()) {
        String flags = r.header("x-mesh4j-flags");
        String body = r.body().string();
        String key = r.code() == 200 ? body : r.code() + (flags == null || flags.isEmpty() ? "" : " " + flags)
            + (body.isEmpty() ? " (empty body)" : " " + body);
        counts.merge(key, 1, Integer::sum);
      } catch (IOException e) {
        counts.merge("error: " + e.getMessage(), 1, Integer::sum);
      }
    }
    return counts;
  }

  private static void table(Map<String, Integer> counts) {
    int n = counts.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf(Locale.ROOT, "   %-28s %8s %7s%n", "answered by", "requests", "share");
    counts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        System.out.printf(Locale.ROOT, "   %-28s %8d %6.1f%%%n", e.getKey(), e.getValue(), 100.0 * e.getValue() / n));
  }

  private static void switchTo(Path config, Mesh mesh, String remove, String add) throws IOException {
    Files.deleteIfExists(config.resolve(remove));
    copy(add, config);
    mesh.reload();
  }

  private static void copy(String resource, Path dir) throws IOException {
    try (InputStream in = BookinfoDemo.class.getResourceAsStream("/bookinfo/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      Files.copy(in, dir.resolve(resource), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void banner(String s) {
    System.out.println("=".repeat(s.length()));
    System.out.println(s);
    System.out.println("=".repeat(s.length()));
  }

  private static void scene(String title) {
    System.out.println();
    System.out.println("--- " + title);
  }

  private static String indent(String s) {
    return "   " + s.replace("\n", "\n   ");
  }

  private static void deleteRecursively(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
