package dev.mesh4j.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import org.junit.jupiter.api.Test;

/** {@code redirect.prefixRewrite} replaces what the prefix match consumed, as Envoy's prefix_rewrite. */
class RedirectPrefixRewriteTest {

  private static final String CONFIG = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        location: MESH_INTERNAL
        ports: [{number: 9080, name: http, protocol: HTTP}]
        resolution: STATIC
        endpoints: [{address: 10.0.0.1}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - match:
          - uri: {prefix: /old}
          redirect: {prefixRewrite: /new}
        - redirect: {prefixRewrite: /root/}
      """;

  @Test
  void replacesTheMatchedPrefixAndKeepsTheRestAndTheQuery() {
    assertThat(location("http://reviews:9080/old/items?page=2"))
        .isEqualTo("http://reviews:9080/new/items?page=2");
  }

  @Test
  void replacesTheLeadingSlashWhenTheRouteHasNoUriMatch() {
    assertThat(location("http://reviews:9080/other")).isEqualTo("http://reviews:9080/root/other");
  }

  private static String location(String url) {
    try (Mesh mesh = Mesh.builder().configYaml(CONFIG).build()) {
      Explanation e = mesh.explain(MeshRequest.builder(url).build());
      assertThat(e.outcome().status()).as(e.toString()).isEqualTo(301);
      return e.outcome().detail().replace("redirect to ", "");
    }
  }
}
