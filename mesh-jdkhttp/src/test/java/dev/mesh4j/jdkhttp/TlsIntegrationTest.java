package dev.mesh4j.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.Protocol;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to endpoints through the JDK transport, against real TLS servers on loopback: mutual TLS
 * mesh4j originates (the client certificate presented, the SNI sent, the server checked against
 * it), and the application's own TLS to an endpoint the mesh picked (its trust, the logical host
 * as SNI and as the name checked; never plain text).
 */
class TlsIntegrationTest {
  static final String HOST = "secure.mesh4j.test";

  final HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("mesh4j test CA").build();
  final HeldCertificate client = new HeldCertificate.Builder().commonName("client").signedBy(ca).build();
  MockWebServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  MockWebServer start(String certifiedName, boolean requireClientCertificate) throws IOException {
    HeldCertificate cert = new HeldCertificate.Builder()
        .commonName(certifiedName).addSubjectAlternativeName(certifiedName).signedBy(ca).build();
    HandshakeCertificates certs = new HandshakeCertificates.Builder()
        .heldCertificate(cert, ca.certificate()).addTrustedCertificate(ca.certificate()).build();
    server = new MockWebServer();
    server.useHttps(certs.sslSocketFactory());
    if (requireClientCertificate) {
      server.requireClientAuth();
    }
    server.setProtocols(List.of(Protocol.HTTP_1_1));
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse(200, Headers.of("x-backend", "tls"), "secure");
      }
    });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    return server;
  }

  static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static RecordedRequest taken(MockWebServer server) throws InterruptedException {
    RecordedRequest r;
    while ((r = server.takeRequest(5, TimeUnit.SECONDS)) != null) {
      if (r.getFailure() == null && r.getMethod() != null) {
        return r;
      }
    }
    return null;
  }

  @Test
  void mutualTlsPresentsTheClientCertificateAndSendsTheSni(@TempDir Path dir) throws Exception {
    start(HOST, true);
    Path caFile = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    Path certFile = Files.writeString(dir.resolve("cert.pem"), client.certificatePem());
    Path keyFile = Files.writeString(dir.resolve("key.pem"), client.privateKeyPkcs8Pem());
    try (Mesh mesh = Mesh.builder()
        .registry(new ServiceRegistry().register(HOST, 8080, Endpoint.of("127.0.0.1", server.getPort())))
        .configYaml("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: secure}
            spec:
              host: %s
              trafficPolicy:
                tls: {mode: MUTUAL, caCertificates: %s, clientCertificate: %s, privateKey: %s}
            """.formatted(HOST, caFile, certFile, keyFile)).build()) {
      HttpResponse<String> r = get(MeshJdkHttp.newClient(mesh), "http://" + HOST + ":8080/account");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("secure");
      RecordedRequest got = taken(server);
      assertThat(got).isNotNull();
      assertThat(got.getHandshakeServerNames()).containsExactly(HOST);
      assertThat(got.getHeaders().get("Host")).isEqualTo(HOST + ":8080");
      assertThat(got.getHandshake().peerCertificates()).as("the client certificate was presented")
          .anySatisfy(c -> assertThat(((X509Certificate) c).getSubjectX500Principal().getName()).contains("CN=client"));
    }
  }

  @Test
  void theApplicationsOwnTlsGoesToTheEndpointWithTheLogicalHostAsSni() throws Exception {
    start(HOST, false);
    HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(ca.certificate()).build();
    try (Mesh mesh = Mesh.builder()
        .registry(new ServiceRegistry().register(HOST, 8443, Endpoint.of("127.0.0.1", server.getPort()))).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh, HttpClient.newBuilder().sslContext(trust.sslContext()));
      HttpResponse<String> r = get(client, "https://" + HOST + ":8443/account");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.uri()).as("the application sees its own URI").isEqualTo(URI.create("https://" + HOST + ":8443/account"));
      RecordedRequest got = taken(server);
      assertThat(got.getHandshakeServerNames()).containsExactly(HOST);
    }
  }

  @Test
  void theApplicationsOwnTlsRefusesAnEndpointWhoseCertificateNamesAnotherHost() throws Exception {
    start("other.mesh4j.test", false);
    HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(ca.certificate()).build();
    try (Mesh mesh = Mesh.builder()
        .registry(new ServiceRegistry().register(HOST, 8443, Endpoint.of("127.0.0.1", server.getPort()))).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh, HttpClient.newBuilder().sslContext(trust.sslContext()));
      HttpResponse<String> r = get(client, "https://" + HOST + ":8443/account");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("x-mesh4j-flags").orElse("")).contains("UF");
      RecordedRequest got = server.takeRequest(200, TimeUnit.MILLISECONDS);
      assertThat(got == null || got.getMethod() == null).as("nothing is sent to an unverified server").isTrue();
    }
  }
}
