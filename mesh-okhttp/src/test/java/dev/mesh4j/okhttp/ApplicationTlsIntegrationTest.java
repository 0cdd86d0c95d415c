package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.UnknownServiceException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.CertificatePinner;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * An application that asks for {@code https://} gets TLS to the endpoint, whatever the service's
 * port is declared as: its own TLS (its trust, its pins), with the logical host as SNI and as the
 * name the certificate must carry. Never plain text.
 */
class ApplicationTlsIntegrationTest {
  /** A dotted name: the JDK sends no SNI for a name without a dot, with or without a mesh. */
  static final String HOST = "web.shop.test";

  final TestPki pki = new TestPki("mesh4j test CA");

  static Mesh mesh(int port) {
    // Registered programmatically: the port is HTTP, and no DestinationRule asks for TLS.
    return Mesh.builder().registry(new ServiceRegistry().register(HOST, 8443,
        dev.mesh4j.api.endpoint.Endpoint.of("127.0.0.1", port))).build();
  }

  static Request account() {
    return new Request.Builder().url("https://" + HOST + ":8443/account").header("Authorization", "Bearer s3cret").build();
  }

  static String call(OkHttpClient client) throws IOException {
    try (Response r = client.newCall(account()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  static List<RecordedRequest> requests(MockWebServer server) throws InterruptedException {
    List<RecordedRequest> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(0, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
      if (r.getFailure() == null && r.getMethod() != null) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void anHttpsRequestToAServiceOnAnHttpPortKeepsTheApplicationsTlsToTheEndpoint() throws Exception {
    try (MockWebServer server = pki.server(pki.issue(HOST)); Mesh mesh = mesh(server.getPort())) {
      OkHttpClient client = MeshOkHttp.install(mesh, pki.trustingClient()).build();
      assertThat(call(client)).isEqualTo("200 secure");
      List<RecordedRequest> got = requests(server);
      assertThat(got).hasSize(1);
      RecordedRequest r = got.get(0);
      assertThat(r.getHandshake()).as("arrived over TLS").isNotNull();
      assertThat(r.getHandshakeServerNames()).as("SNI is the logical host").containsExactly(HOST);
      assertThat(r.getHeaders().get("Host")).isEqualTo(HOST + ":8443");
      assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer s3cret");
    }
  }

  @Test
  void neverSendsAnHttpsRequestInPlainText() throws IOException {
    try (RawPeer peer = RawPeer.start(c -> c.readFirstBytes()); Mesh mesh = mesh(peer.port())) {
      OkHttpClient client = MeshOkHttp.install(mesh, pki.trustingClient()).build();
      try (Response r = client.newCall(account()).execute()) {
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.header("x-mesh4j-flags")).startsWith("UF");
      }
      assertThat(peer.connections()).isPositive();
      assertThat(peer.firstBytes()).as("every connection opens with a TLS handshake record")
          .isNotEmpty().allSatisfy(b -> assertThat(b).isEqualTo((byte) 0x16));
      assertThat(String.join("", peer.received()).getBytes(StandardCharsets.ISO_8859_1))
          .asString(StandardCharsets.ISO_8859_1).doesNotContain("s3cret").doesNotContain("GET /account");
    }
  }

  @Test
  void verifiesTheEndpointsCertificateAgainstTheLogicalHost() throws Exception {
    try (MockWebServer server = pki.server(pki.issue("other")); Mesh mesh = mesh(server.getPort())) {
      OkHttpClient client = MeshOkHttp.install(mesh, pki.trustingClient()).build();
      try (Response r = client.newCall(account()).execute()) {
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.header("x-mesh4j-flags")).startsWith("UF");
      }
      assertThat(requests(server)).as("nothing is sent to a server that is not " + HOST).isEmpty();
    }
  }

  @Test
  void theApplicationsCertificatePinsForTheLogicalHostApply() throws Exception {
    var certificate = pki.issue(HOST);
    try (MockWebServer server = pki.server(certificate); Mesh mesh = mesh(server.getPort())) {
      OkHttpClient pinned = MeshOkHttp.install(mesh, pki.trustingClient().certificatePinner(
          new CertificatePinner.Builder().add(HOST, CertificatePinner.pin(certificate.certificate())).build())).build();
      assertThat(call(pinned)).isEqualTo("200 secure");
      OkHttpClient wrongPin = MeshOkHttp.install(mesh, pki.trustingClient().certificatePinner(
          new CertificatePinner.Builder().add(HOST, CertificatePinner.pin(new TestPki("elsewhere").ca.certificate()))
              .build())).build();
      try (Response r = wrongPin.newCall(account()).execute()) {
        assertThat(r.code()).isEqualTo(503);
      }
      assertThat(requests(server)).as("only the correctly pinned call got through").hasSize(1);
    }
  }

  @Test
  void aClientWithoutTlsIsRefusedRatherThanSendingAnHttpsRequestInPlainText() {
    try (RawPeer peer = RawPeer.start(c -> c.readFirstBytes()); Mesh mesh = mesh(peer.port())) {
      OkHttpClient cleartext = MeshOkHttp.install(mesh, new OkHttpClient.Builder()
          .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))).build();
      assertThatThrownBy(() -> cleartext.newCall(account()).execute().close())
          .isInstanceOf(UnknownServiceException.class)
          .hasMessageContaining("without TLS");
      assertThat(peer.connections()).isZero();
    }
  }

  @Test
  void throughAnHttpProxyTheTunnelGoesToTheEndpointAndTheTlsStillNamesTheLogicalHost() throws Exception {
    try (MockWebServer server = pki.server(pki.issue(HOST)); MockWebServer impostor = pki.server(pki.issue("other"));
        RawPeer proxy = RawPeer.start(RawPeer.Connection::tunnel)) {
      Proxy http = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", proxy.port()));
      try (Mesh mesh = mesh(server.getPort())) {
        assertThat(call(MeshOkHttp.install(mesh, pki.trustingClient().proxy(http)).build())).isEqualTo("200 secure");
      }
      assertThat(proxy.requests()).hasSize(1);
      assertThat(proxy.requests().get(0)).as("the proxy is asked for the endpoint the mesh picked")
          .startsWith("CONNECT 127.0.0.1:" + server.getPort() + " ");
      RecordedRequest r = requests(server).get(0);
      assertThat(r.getHandshakeServerNames()).containsExactly(HOST);
      assertThat(r.getHeaders().get("Host")).isEqualTo(HOST + ":8443");

      try (Mesh mesh = mesh(impostor.getPort())) {
        OkHttpClient client = MeshOkHttp.install(mesh, pki.trustingClient().proxy(http)).build();
        try (Response response = client.newCall(account()).execute()) {
          assertThat(response.code()).as("verified against the logical host").isEqualTo(503);
        }
      }
      assertThat(requests(impostor)).isEmpty();
    }
  }
}
