package dev.mesh4j.conformance;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Bookinfo application as INDEX.md says the test supplies it: every service's pods as
 * loopback backends, registered in namespace {@code default} with endpoints labelled
 * {@code app} and {@code version}, as Kubernetes Services and pods would be. Each pod answers with
 * its name ({@code reviews-v2}).
 */
final class Bookinfo implements AutoCloseable {
  /** The port every Bookinfo HTTP service listens on. */
  static final int PORT = 9080;

  /** app → versions, as in Bookinfo's {@code platform/kube/bookinfo*.yaml}. */
  private static final Map<String, List<String>> VERSIONS = new LinkedHashMap<>();

  static {
    VERSIONS.put("productpage", List.of("v1"));
    VERSIONS.put("details", List.of("v1", "v2"));
    VERSIONS.put("reviews", List.of("v1", "v2", "v3"));
    VERSIONS.put("ratings", List.of("v1", "v2", "v2-mysql", "v2-mysql-vm"));
  }

  /** The database services, with their ports; they take no HTTP traffic in these tests. */
  private static final Map<String, Integer> DATABASES = Map.of("mongodb", 27017, "mysqldb", 3306);

  private final Map<String, LoopbackBackend> pods = new LinkedHashMap<>();
  private final ServiceRegistry registry = new ServiceRegistry();

  private Bookinfo() {
    VERSIONS.forEach((app, versions) -> {
      List<Endpoint> endpoints = new ArrayList<>();
      for (String v : versions) {
        LoopbackBackend pod = LoopbackBackend.start(app + "-" + v, Map.of("app", app, "version", v));
        pods.put(pod.name(), pod);
        endpoints.add(pod.endpoint());
      }
      registry.register(app, PORT, endpoints);
    });
    DATABASES.forEach((app, port) -> {
      LoopbackBackend pod = LoopbackBackend.start(app + "-v1", Map.of("app", app, "version", "v1"));
      pods.put(pod.name(), pod);
      registry.register(app, port, pod.endpoint());
    });
  }

  static Bookinfo start() {
    return new Bookinfo();
  }

  /** The services and their endpoints, to hand to {@link Mesh.Builder#registry}. */
  ServiceRegistry registry() {
    return registry;
  }

  /**
   * A mesh for an in-mesh client in {@code default}, loading corpus files unchanged
   * ({@code bookinfo/virtual-service-all-v1.yaml}) and a seeded random source.
   */
  Mesh.Builder mesh(String... corpusFiles) {
    Mesh.Builder b = Mesh.builder().namespace("default").registry(registry)
        .random(RandomSource.seeded(20240611)).dnsRefreshInterval(java.time.Duration.ZERO);
    for (String f : corpusFiles) {
      b.configResource(Corpus.resource(f));
    }
    return b;
  }

  /** A pod by name, e.g. {@code reviews-v2}. */
  LoopbackBackend pod(String name) {
    LoopbackBackend p = pods.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no pod " + name + " (have " + pods.keySet() + ")");
    }
    return p;
  }

  /** Requests received by every pod of an app. */
  int requestsTo(String app) {
    int n = 0;
    for (LoopbackBackend p : pods.values()) {
      if (p.name().startsWith(app + "-")) {
        n += p.requestCount();
      }
    }
    return n;
  }

  /** {@code http://<app>:9080<path>}. */
  static String url(String app, String path) {
    return "http://" + app + ":" + PORT + path;
  }

  @Override
  public void close() {
    pods.values().forEach(LoopbackBackend::close);
  }
}
