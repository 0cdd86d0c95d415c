package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server name mesh4j sends when it originates TLS comes from the request's host: a host the
 * JDK cannot send as SNI (a fully qualified name with its trailing dot, a name with an underscore)
 * is sent as the JDK sends it for a URL of its own — without the trailing dot, or not at all — and
 * never makes the request throw.
 */
class TlsServerNameIntegrationTest {
  @TempDir Path dir;
  final TestPki pki = new TestPki("mesh4j test CA");

  Mesh mesh(String host, MockWebServer server) throws IOException {
    return mesh(host, host, server);
  }

  Mesh mesh(String host, String ruleHost, MockWebServer server) throws IOException {
    Path ca = pki.writeCa(dir.resolve("ca.pem"));
    return Mesh.builder()
        .registry(new ServiceRegistry().register(host, 8080, Endpoint.of("127.0.0.1", server.getPort())))
        .configYaml("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: secure}
            spec:
              host: "%s"
              trafficPolicy:
                tls: {mode: SIMPLE, caCertificates: "%s"}
            """.formatted(ruleHost, ca)).build();
  }

  static String get(OkHttpClient client, String url) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  @Test
  void aFullyQualifiedRequestHostIsSentWithoutItsTrailingDot() throws Exception {
    try (MockWebServer server = pki.server(pki.issue("web.shop.test")); Mesh mesh = mesh("web.shop.test", server)) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      assertThat(get(client, "http://web.shop.test.:8080/")).isEqualTo("200 secure");
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(r).isNotNull();
      assertThat(r.getHandshakeServerNames()).containsExactly("web.shop.test");
    }
  }

  @Test
  void aRequestHostTheJdkCannotSendAsSniIsSentWithoutOne() throws Exception {
    try (MockWebServer server = pki.server(pki.issue("my_web.shop.test")); Mesh mesh = mesh("my_web.shop.test", "*.shop.test", server)) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      // Verified against the logical host as always; no SNI, as the JDK does for such a URL.
      assertThat(get(client, "http://my_web.shop.test:8080/")).isEqualTo("200 secure");
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(r).isNotNull();
      assertThat(r.getHandshakeServerNames()).isEmpty();
    }
  }
}
