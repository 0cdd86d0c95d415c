package dev.mesh4j.kubernetes;

import dev.mesh4j.core.testing.LoopbackBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bookinfo's reviews (v1, v2, v3) and ratings (v1) as a cluster would run them: one loopback
 * server per Pod, each on its own address of 127/8 and the same container port, with a Service,
 * Pods and an EndpointSlice in the {@link TestCluster} pointing at them.
 */
final class BookinfoPods implements AutoCloseable {
  final TestCluster cluster;
  final Map<String, LoopbackBackend> pods = new LinkedHashMap<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private int nextAddress = 11;

  BookinfoPods(TestCluster cluster) {
    this.cluster = cluster;
    service("reviews", "v1", "v2", "v3");
    service("ratings", "v1");
  }

  private void service(String app, String... versions) {
    List<TestCluster.SliceEndpoint> endpoints = new ArrayList<>();
    Integer port = null;
    for (String v : versions) {
      String name = app + "-" + v;
      String ip = "127.0.0." + nextAddress++;
      LoopbackBackend backend = port == null
          ? LoopbackBackend.startAt(name, Map.of(), ip, 0)
          : LoopbackBackend.startAt(name, Map.of(), ip, port);
      port = backend.port();
      pods.put(name, backend);
      cluster.put(TestCluster.pod("default", name, ip, "bookinfo-" + app, Map.of("app", app, "version", v)));
      endpoints.add(TestCluster.SliceEndpoint.ready(name, ip));
    }
    ports.put(app, port);
    cluster.put(TestCluster.service("default", app, 9080, "http", port));
    cluster.put(TestCluster.slice("default", app + "-slice", app, "http", port, endpoints));
  }

  /** Rewrites a service's EndpointSlice: these endpoints, as the EndpointSlice controller would. */
  void slice(String app, List<TestCluster.SliceEndpoint> endpoints) {
    cluster.put(TestCluster.slice("default", app + "-slice", app, "http", ports.get(app), endpoints));
  }

  LoopbackBackend pod(String name) {
    return pods.get(name);
  }

  /** A manifest of Istio's bookinfo samples (mesh-core's test corpus). */
  static String sample(String file) {
    try (InputStream in = BookinfoPods.class.getClassLoader().getResourceAsStream("istio-samples/bookinfo/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no sample " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    pods.values().forEach(LoopbackBackend::close);
  }
}
