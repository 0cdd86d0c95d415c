package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * How a routed request goes out: an {@code https} request keeps TLS to the endpoint (the
 * application's own, named by the logical host) unless a DestinationRule originates TLS itself;
 * nothing the application sent as {@code https} goes out as {@code http}.
 */
class OriginationTest {
  static Mesh mesh(String config) {
    ServiceRegistry registry = new ServiceRegistry().register("web", 8443, Endpoint.of("10.0.0.1", 9443))
        .register("shadow", 8443, Endpoint.of("10.0.0.7", 9443));
    Mesh.Builder b = Mesh.builder().registry(registry);
    return (config.isEmpty() ? b : b.configYaml(config)).build();
  }

  static UpstreamRequest send(Mesh mesh, String url) throws IOException {
    RecordingExchange.Result r = mesh.execute(MeshRequest.builder(url).build(), new RecordingExchange());
    assertThat(r.wasSent()).as(r.target()).isTrue();
    return r.sent();
  }

  static final String DISABLE = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: web}
      spec:
        host: web
        trafficPolicy: {tls: {mode: DISABLE}}
      """;

  static final String SIMPLE = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: web}
      spec:
        host: web
        trafficPolicy: {tls: {mode: SIMPLE, sni: web.example}}
      """;

  @Test
  void anHttpsRequestToAnHttpPortKeepsTheApplicationsTlsNamedByTheLogicalHost() throws IOException {
    try (Mesh mesh = mesh("")) {
      UpstreamRequest sent = send(mesh, "https://web:8443/account");
      assertThat(sent.endpoint().hostPort()).isEqualTo("10.0.0.1:9443");
      assertThat(sent.scheme()).isEqualTo("https");
      assertThat(sent.tls()).as("the application's TLS, not one mesh4j originates").isNull();
      assertThat(sent.sni()).isEqualTo("web");
      assertThat(mesh.explain(MeshRequest.builder("https://web:8443/account").build()).notes())
          .contains("https request: the application's own TLS goes to the endpoint, verified as web");
    }
  }

  @Test
  void aDestinationRuleThatDisablesTlsDoesNotDowngradeAnHttpsRequest() throws IOException {
    try (Mesh mesh = mesh(DISABLE)) {
      UpstreamRequest sent = send(mesh, "https://web:8443/");
      assertThat(sent.scheme()).isEqualTo("https");
      assertThat(sent.tls()).isNull();
      assertThat(sent.sni()).isEqualTo("web");
    }
  }

  @Test
  void aDestinationRuleThatOriginatesTlsStillDoesForEitherScheme() throws IOException {
    try (Mesh mesh = mesh(SIMPLE)) {
      for (String url : new String[] {"http://web:8443/", "https://web:8443/"}) {
        UpstreamRequest sent = send(mesh, url);
        assertThat(sent.scheme()).as(url).isEqualTo("https");
        assertThat(sent.tls().mode()).isEqualTo(ClientTlsSettings.TlsMode.SIMPLE);
        assertThat(sent.sni()).isEqualTo("web.example");
      }
    }
  }

  @Test
  void aPlainRequestStaysPlain() throws IOException {
    try (Mesh mesh = mesh("")) {
      UpstreamRequest sent = send(mesh, "http://web:8443/");
      assertThat(sent.scheme()).isEqualTo("http");
      assertThat(sent.tls()).isNull();
      assertThat(sent.sni()).isNull();
    }
  }

  @Test
  void aMirrorKeepsTheApplicationsScheme() throws IOException {
    String mirror = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [web]
          http:
          - route: [{destination: {host: web}}]
            mirror: {host: shadow}
        """;
    try (Mesh mesh = mesh(mirror)) {
      RecordingExchange ex = new RecordingExchange();
      mesh.execute(MeshRequest.builder("https://web:8443/").build(), ex);
      assertThat(ex.mirrored()).hasSize(1);
      assertThat(ex.mirrored().get(0).scheme()).as("an https request is mirrored over TLS").isEqualTo("https");
      assertThat(ex.mirrored().get(0).tls()).isNull();
    }
    // The main cluster originates TLS for a plain request; the mirror's cluster does not: its copy is plain.
    try (Mesh mesh = mesh(mirror + "---\n" + SIMPLE)) {
      RecordingExchange ex = new RecordingExchange();
      UpstreamRequest main = mesh.execute(MeshRequest.builder("http://web:8443/").build(), ex).sent();
      assertThat(main.scheme()).isEqualTo("https");
      assertThat(ex.mirrored().get(0).scheme()).isEqualTo("http");
      assertThat(ex.mirrored().get(0).tls()).isNull();
    }
  }
}
