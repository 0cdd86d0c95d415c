package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5 says a weighted multi-destination route does not hash. Istio's route.go
 * ({@code processWeightedDestination}) appends each hashing destination's policy to the route,
 * so Envoy hashes the request and the consistent-hash balancer of whichever subset the random
 * weighted pick chose uses that hash: a user is sticky within each subset. mesh4j follows Istio.
 */
class WeightedRouteHashingTest {

  @Test
  void aUserIsStickyWithinEachSubsetOfAWeightedRoute() throws IOException {
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080,
        Endpoint.of("10.0.1.1", 9080).withLabel("version", "v1"), Endpoint.of("10.0.1.2", 9080).withLabel("version", "v1"),
        Endpoint.of("10.0.1.3", 9080).withLabel("version", "v1"), Endpoint.of("10.0.2.1", 9080).withLabel("version", "v2"),
        Endpoint.of("10.0.2.2", 9080).withLabel("version", "v2"), Endpoint.of("10.0.2.3", 9080).withLabel("version", "v2"));
    try (Mesh mesh = Mesh.builder().registry(registry).random(RandomSource.seeded(11)).configYaml("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - {destination: {host: reviews, subset: v1}, weight: 50}
            - {destination: {host: reviews, subset: v2}, weight: 50}
        """).build()) {
      for (String user : new String[] {"alice", "bob", "carol", "dave"}) {
        Map<String, Set<String>> endpointsBySubset = new HashMap<>();
        for (int i = 0; i < 60; i++) {
          String target = mesh.execute(MeshRequest.builder("http://reviews:9080/").header("x-user", user).build(),
              new RecordingExchange()).target();
          endpointsBySubset.computeIfAbsent(target.startsWith("10.0.1.") ? "v1" : "v2", k -> new HashSet<>()).add(target);
        }
        // The weighted pick is random: both subsets are used...
        assertThat(endpointsBySubset).as(user).containsOnlyKeys("v1", "v2");
        // ...but within each, the hash pins the user to one endpoint.
        assertThat(endpointsBySubset.values()).as(user).allSatisfy(set -> assertThat(set).hasSize(1));
      }
    }
  }
}
