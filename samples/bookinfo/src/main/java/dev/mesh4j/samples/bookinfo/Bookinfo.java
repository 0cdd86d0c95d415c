package dev.mesh4j.samples.bookinfo;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The demo's world: loopback pods for every bookinfo service, the registry that knows them, a
 * manifest folder the scenes rewrite, and the productpage's meshed OkHttp client.
 */
final class Bookinfo implements AutoCloseable {
  static final String REVIEWS = "http://reviews:9080/reviews/0";
  static final String RATINGS = "http://ratings:9080/ratings/0";
  static final int REQUESTS = 200;

  final Path config;
  final ServiceRegistry registry = new ServiceRegistry();
  final Map<String, Pod> pods = new LinkedHashMap<>();
  final Pod external;
  final Mesh mesh;
  final OkHttpClient client;

  Bookinfo() throws IOException {
    config = Files.createTempDirectory("bookinfo-istio");
    for (String[] p : new String[][] {{"productpage", "v1"}, {"details", "v1"}, {"ratings", "v1"},
        {"reviews", "v1"}, {"reviews", "v2"}, {"reviews", "v3"}}) {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("app", p[0]);
      labels.put("version", p[1]);
      // The workload label mesh4j's Kubernetes and istiod sources give a Pod's endpoints.
      labels.put("service.istio.io/workload-name", p[0] + "-" + p[1]);
      pods.put(p[0] + "-" + p[1], new Pod(p[0] + "-" + p[1], labels));
    }
    external = new Pod("httpbin.org", Map.of());
    registry.register("productpage", 9080, pod("productpage-v1").endpoint())
        .register("details", 9080, pod("details-v1").endpoint())
        .register("ratings", 9080, pod("ratings-v1").endpoint())
        .register("reviews", 9080, pod("reviews-v1").endpoint(), pod("reviews-v2").endpoint(),
            pod("reviews-v3").endpoint());
    copy("destination-rule-all.yaml");
    copy("virtual-service-all-v1.yaml");
    mesh = Mesh.builder()
        .configDirectory(config)
        .namespace("default")
        .workloadName("productpage-v1")
        .workloadLabel("app", "productpage")
        .workloadLabel("version", "v1")
        .registry(registry)
        .build();
    // The application's own DNS knows httpbin.org; passthrough traffic uses it, as it would
    // leave a pod through its sidecar.
    client = MeshOkHttp.install(mesh, new OkHttpClient.Builder().dns(host ->
        host.equals("httpbin.org") ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host))).build();
  }

  Pod pod(String name) {
    return pods.get(name);
  }

  /** Adds a pod (not yet registered). */
  Pod addPod(String app, String version) throws IOException {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", app);
    labels.put("version", version);
    labels.put("service.istio.io/workload-name", app + "-" + version);
    Pod p = new Pod(app + "-" + version, labels);
    pods.put(p.name(), p);
    return p;
  }

  /** Replaces one manifest of the folder by another and reloads. */
  void switchTo(String remove, String add) throws IOException {
    Files.deleteIfExists(config.resolve(remove));
    copy(add);
    mesh.reload();
  }

  void copy(String resource) throws IOException {
    try (InputStream in = Bookinfo.class.getResourceAsStream("/bookinfo/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      Files.copy(in, config.resolve(resource), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  void remove(String resource) throws IOException {
    Files.deleteIfExists(config.resolve(resource));
  }

  static Request.Builder get(String url) {
    return new Request.Builder().url(url);
  }

  Map<String, Integer> run(IntFunction<Request.Builder> request) {
    return run(client, request, REQUESTS);
  }

  Map<String, Integer> run(IntFunction<Request.Builder> request, int n) {
    return run(client, request, n);
  }

  /** Sends requests and counts answers by "status body" (just the body for a 200). */
  static Map<String, Integer> run(OkHttpClient client, IntFunction<Request.Builder> request, int n) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(answer(client, request.apply(i)), 1, Integer::sum);
    }
    return counts;
  }

  static String answer(OkHttpClient client, Request.Builder request) {
    try (Response r = client.newCall(request.build()).execute()) {
      String flags = r.header("x-mesh4j-flags");
      String body = r.body().string();
      return r.code() == 200 ? body : r.code() + (flags == null || flags.isEmpty() ? "" : " " + flags)
          + (body.isEmpty() ? " (empty body)" : body.length() > 40 ? "" : " " + body);
    } catch (IOException e) {
      return "error: " + e.getMessage();
    }
  }

  static void table(Map<String, Integer> counts) {
    int n = counts.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf(Locale.ROOT, "   %-28s %8s %7s%n", "answered by", "requests", "share");
    counts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        System.out.printf(Locale.ROOT, "   %-28s %8d %6.1f%%%n", e.getKey(), e.getValue(), 100.0 * e.getValue() / n));
  }

  static void banner(String s) {
    System.out.println("=".repeat(s.length()));
    System.out.println(s);
    System.out.println("=".repeat(s.length()));
  }

  static void scene(String title) {
    System.out.println();
    System.out.println("--- " + title);
  }

  static String indent(String s) {
    return "   " + s.replace("\n", "\n   ");
  }

  @Override
  public void close() {
    mesh.close();
    pods.values().forEach(Pod::close);
    external.close();
    try (var walk = Files.walk(config)) {
      List<Path> paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
      for (Path p : paths) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
