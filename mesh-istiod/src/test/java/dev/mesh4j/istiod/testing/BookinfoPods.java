package dev.mesh4j.istiod.testing;

import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.core.ServiceRegistry;
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
 * Bookinfo's pods as loopback backends, each answering with its name ({@code x-backend:
 * reviews-v2}): as a {@link ServiceRegistry} for a mesh that reads YAML, and as the services a
 * {@link GrpcGen} turns into EDS — the same endpoints either way.
 */
public final class BookinfoPods implements AutoCloseable {
  public static final int PORT = 9080;
  public static final Map<String, List<String>> VERSIONS = new LinkedHashMap<>();

  static {
    VERSIONS.put("productpage", List.of("v1"));
    VERSIONS.put("details", List.of("v1", "v2"));
    VERSIONS.put("reviews", List.of("v1", "v2", "v3"));
    VERSIONS.put("ratings", List.of("v1", "v2", "v2-mysql", "v2-mysql-vm"));
  }

  public final Map<String, LoopbackBackend> pods = new LinkedHashMap<>();
  public final ServiceRegistry registry = new ServiceRegistry();
  public final List<GrpcGen.Svc> services = new ArrayList<>();

  public BookinfoPods() {
    VERSIONS.forEach((app, versions) -> {
      List<Endpoint> endpoints = new ArrayList<>();
      List<GrpcGen.Pod> gen = new ArrayList<>();
      for (String v : versions) {
        LoopbackBackend pod = LoopbackBackend.start(app + "-" + v, Map.of("app", app, "version", v));
        pods.put(pod.name(), pod);
        endpoints.add(pod.endpoint());
        gen.add(new GrpcGen.Pod(pod.name(), pod.address(), pod.port(), Map.of("app", app, "version", v)));
      }
      registry.register(app, PORT, endpoints);
      services.add(new GrpcGen.Svc(app, "default", PORT, gen));
    });
  }

  public int requestsTo(String app) {
    return pods.values().stream().filter(p -> p.name().startsWith(app + "-")).mapToInt(LoopbackBackend::requestCount)
        .sum();
  }

  /** The classpath text of a file of Istio's samples (mesh-core's test corpus). */
  public static String corpus(String file) {
    try (InputStream in = BookinfoPods.class.getClassLoader().getResourceAsStream("istio-samples/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no corpus file " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The files read as kubectl apply -f reads them: a later resource with the same key replaces one. */
  public static MeshConfig config(List<String> files) {
    return config(files, "");
  }

  /** The files, then {@code yaml}, read as kubectl apply -f reads them. */
  public static MeshConfig config(List<String> files, String yaml) {
    Map<ResourceKey, IstioResource> byKey = new LinkedHashMap<>();
    List<MeshConfig> all = new java.util.ArrayList<>();
    for (String f : files) {
      all.add(MeshConfig.fromYaml(f, corpus(f)));
    }
    if (!yaml.isEmpty()) {
      all.add(MeshConfig.fromYaml("extra", yaml));
    }
    for (MeshConfig c : all) {
      for (IstioResource r : c.resources()) {
        byKey.put(ResourceKey.of(r), r);
      }
    }
    return MeshConfig.builder().addAll(byKey.values()).build();
  }

  @Override
  public void close() {
    pods.values().forEach(LoopbackBackend::close);
  }
}
