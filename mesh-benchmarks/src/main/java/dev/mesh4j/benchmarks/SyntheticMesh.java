package dev.mesh4j.benchmarks;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.ServiceRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A generated mesh of a given size, shared by the benchmarks so that their figures describe the
 * same configuration.
 *
 * <p>{@code services} services {@code svc-0…} each have a DestinationRule with subsets
 * {@code v1}/{@code v2} and {@code endpointsPerService} endpoints (labels alternating
 * {@code version: v1}/{@code v2}). {@code virtualServices} VirtualServices each have four HTTP
 * routes: an exact header match, a path-prefix-or-query match, an RE2 regex with a 90/10 split
 * and a catch-all. The regex is the same text in every VirtualService unless
 * {@code distinctRegexes}, when each has its own (a longer one: {@code /api/v[0-9]+/.*|/legacy-N/.*}),
 * so that no two share a compiled program. The first {@code services} of them are bound to the services' own names; the
 * rest to alias hosts {@code api-N.example.com} that route to {@code svc-(N mod services)}. An
 * alias is no service of its own, so, as in Istio, its VirtualService applies to port 80 only (mesh4j warns
 * about each such host at build time; the benchmarks' logging configuration silences it).
 */
public record SyntheticMesh(int services, int endpointsPerService, int virtualServices,
    boolean distinctRegexes) {

  /** A mesh whose VirtualServices all use the same regex. */
  public SyntheticMesh(int services, int endpointsPerService, int virtualServices) {
    this(services, endpointsPerService, virtualServices, false);
  }

  public SyntheticMesh {
    if (services < 1 || endpointsPerService < 1 || virtualServices < services) {
      throw new IllegalArgumentException("services " + services + ", endpointsPerService "
          + endpointsPerService + ", virtualServices " + virtualServices
          + " (expected: >= 1, >= 1, >= services)");
    }
  }

  /** The host a VirtualService is bound to: a service name, then aliases. */
  public String virtualServiceHost(int i) {
    return i < services ? "svc-" + i : "api-" + i + ".example.com";
  }

  /** A URL that VirtualService {@code i} routes: port 8080 of a service, port 80 of an alias. */
  public String url(int i, String pathAndQuery) {
    return "http://" + virtualServiceHost(i) + (i < services ? ":8080" : "") + pathAndQuery;
  }

  private String regex(int v) {
    return distinctRegexes ? "/api/v[0-9]+/.*|/legacy-" + v + "/.*" : "/api/v[0-9]+/.*";
  }

  /** The number of YAML documents {@link #yaml()} holds. */
  public int documents() {
    return services + virtualServices;
  }

  /** Every document as one multi-document YAML text. */
  public String yaml() {
    StringBuilder out = new StringBuilder();
    for (String doc : documentList()) {
      out.append(doc).append("---\n");
    }
    return out.toString();
  }

  /** Every document, DestinationRules first. */
  public List<String> documentList() {
    List<String> docs = new ArrayList<>(documents());
    for (int s = 0; s < services; s++) {
      docs.add("""
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: svc-%1$d}
          spec:
            host: svc-%1$d
            subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
          """.formatted(s));
    }
    for (int v = 0; v < virtualServices; v++) {
      docs.add("""
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: vs-%1$d}
          spec:
            hosts: [%2$s]
            http:
            - match: [{headers: {end-user: {exact: jason}}}]
              route: [{destination: {host: %3$s, subset: v2}}]
            - match: [{uri: {prefix: /admin}}, {queryParams: {debug: {exact: "1"}}}]
              route: [{destination: {host: %3$s, subset: v2}}]
            - match: [{uri: {regex: '%4$s'}}]
              route:
              - {destination: {host: %3$s, subset: v1}, weight: 90}
              - {destination: {host: %3$s, subset: v2}, weight: 10}
            - route: [{destination: {host: %3$s, subset: v1}}]
          """.formatted(v, virtualServiceHost(v), "svc-" + (v % services), regex(v)));
    }
    return docs;
  }

  /** Writes one file per document into {@code dir} and returns it. */
  public Path writeFiles(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> docs = documentList();
    for (int i = 0; i < docs.size(); i++) {
      Files.writeString(dir.resolve("doc-%05d.yaml".formatted(i)), docs.get(i), StandardCharsets.UTF_8);
    }
    return dir;
  }

  /** A registry holding every service's endpoints (distinct 10.x addresses, port 8080). */
  public ServiceRegistry registry() {
    ServiceRegistry registry = new ServiceRegistry();
    int n = 0;
    for (int s = 0; s < services; s++) {
      List<Endpoint> endpoints = new ArrayList<>(endpointsPerService);
      for (int e = 0; e < endpointsPerService; e++, n++) {
        endpoints.add(new Endpoint("10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255), 8080,
            Map.of("version", n % 2 == 0 ? "v1" : "v2"), 1, null));
      }
      registry.register("svc-" + s, 8080, endpoints);
    }
    return registry;
  }
}
