package dev.mesh4j.core.telemetry;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import java.util.Map;

/** Bookinfo's reviews service with the end-user: jason → v2 rule, for telemetry tests. */
final class TelemetryFixtures {
  static final Endpoint V1 = new Endpoint("10.0.0.1", 9080, Map.of("app", "reviews", "version", "v1"), 1, null);
  static final Endpoint V2 = new Endpoint("10.0.0.2", 9080, Map.of("app", "reviews", "version", "v2"), 1, null);

  static final String REVIEWS = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - name: jason
          match: [{headers: {end-user: {exact: jason}}}]
          route: [{destination: {host: reviews, subset: v2}}]
        - route: [{destination: {host: reviews, subset: v1}}]
      """;

  private TelemetryFixtures() {}

  /** A productpage workload calling reviews (v1 at 10.0.0.1, v2 at 10.0.0.2). */
  static Mesh.Builder reviews() {
    return Mesh.builder()
        .registry(new ServiceRegistry().register("reviews", 9080, V1, V2))
        .configYaml(REVIEWS)
        .workloadName("productpage-v1")
        .workloadLabel("app", "productpage")
        .workloadLabel("version", "v1")
        .random(RandomSource.seeded(42))
        .dnsRefreshInterval(java.time.Duration.ZERO)
        .propagatedHeaders("end-user");
  }
}
