package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import org.junit.jupiter.api.Test;

/** explain(): the decision and its reasons, without sending anything. */
class ExplainTest {
  static final String CONFIG = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        trafficPolicy:
          loadBalancer: {simple: ROUND_ROBIN}
          outlierDetection: {consecutive5xxErrors: 3}
        subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
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
        - match: [{uri: {prefix: /reviews}}]
          route:
          - {destination: {host: reviews, subset: v1}, weight: 75}
          - {destination: {host: reviews, subset: v3}, weight: 25}
          timeout: 2s
      """;

  static Mesh mesh() {
    return Mesh.builder().random(RandomSource.seeded(3)).outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY)
        .registry(new ServiceRegistry().register("reviews", 9080,
            Endpoint.of("10.0.0.1", 9080).withLabel("version", "v1"),
            Endpoint.of("10.0.0.2", 9080).withLabel("version", "v2")))
        .configYaml(CONFIG).build();
  }

  @Test
  void explainsAMatchedRouteItsCandidatesClusterPoliciesAndEndpoints() throws Exception {
    try (Mesh mesh = mesh()) {
      Explanation e = mesh.explain(MeshRequest.builder("http://reviews:9080/reviews/1").header("end-user", "bob").build());
      assertThat(e.service()).isEqualTo("reviews.default.svc.cluster.local");
      assertThat(e.virtualService()).isEqualTo("default/reviews");
      assertThat(e.routes()).hasSize(2);
      assertThat(e.routes().get(0).matched()).isFalse();
      assertThat(e.routes().get(0).reason()).isEqualTo("match[0] header end-user: exact \"jason\", got \"bob\"");
      assertThat(e.routes().get(1).matched()).isTrue();
      assertThat(e.candidates()).extracting(Explanation.Candidate::weight).containsExactly(75, 25);
      assertThat(e.candidates().get(1).cluster()).startsWith("no cluster: subset v3 is not defined");
      assertThat(e.policies()).contains(new Explanation.Policy("timeout", "2s"));
      assertThat(e.notes()).anySatisfy(n -> assertThat(n).contains("maxEjectionPercent 10 with 1 endpoints"));
      // Exactly one candidate is the pick, and the outcome is the picked candidate's.
      assertThat(e.candidates()).filteredOn(Explanation.Candidate::picked).hasSize(1);
      if (e.candidates().get(0).picked()) {
        assertThat(e.cluster()).isEqualTo("outbound|9080|v1|reviews.default.svc.cluster.local");
        assertThat(e.endpoints()).singleElement().satisfies(ep -> assertThat(ep.address()).isEqualTo("10.0.0.1:9080"));
        assertThat(e.outcome().kind()).isEqualTo(Explanation.Outcome.Kind.FORWARD);
      } else {
        assertThat(e.outcome().flags()).isEqualTo("NC");
      }
      String text = e.toString();
      assertThat(text).contains("VirtualService:   default/reviews").contains("http[0] (jason)");
      JsonNode json = new ObjectMapper().readTree(e.toJson());
      assertThat(json.get("virtualService").asText()).isEqualTo("default/reviews");
      assertThat(json.get("routes").size()).isEqualTo(2);
      assertThat(json.get("policies").get("timeout").asText()).isEqualTo("2s");
    }
  }

  @Test
  void explainsLocalReplies() {
    try (Mesh mesh = mesh()) {
      Explanation nr = mesh.explain(MeshRequest.builder("http://reviews:9080/other").build());
      assertThat(nr.outcome().status()).isEqualTo(404);
      assertThat(nr.outcome().flags()).isEqualTo("NR");
      assertThat(nr.routes().get(1).reason()).contains("uri: prefix \"/reviews\", got \"/other\"");

      Explanation blocked = mesh.explain(MeshRequest.builder("http://example.com/").build());
      assertThat(blocked.outcome().status()).isEqualTo(502);
      assertThat(blocked.notes()).singleElement().satisfies(n -> assertThat(n).contains("REGISTRY_ONLY"));
    }
  }

  @Test
  void explainSendsNothingAndChangesNoState() {
    try (Mesh mesh = mesh()) {
      long version = mesh.version();
      for (int i = 0; i < 5; i++) {
        mesh.explain(MeshRequest.builder("http://reviews:9080/reviews/1").header("end-user", "jason").build());
      }
      Explanation e = mesh.explain(MeshRequest.builder("http://reviews:9080/reviews/1").header("end-user", "jason").build());
      assertThat(e.endpoints()).allSatisfy(ep -> assertThat(ep.activeRequests()).isZero());
      assertThat(mesh.version()).isEqualTo(version);
    }
  }
}
