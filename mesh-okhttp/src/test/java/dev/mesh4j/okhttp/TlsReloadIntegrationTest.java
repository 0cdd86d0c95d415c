package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.FakeClock;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate files a DestinationRule names are re-read when they change (checked at most every
 * {@link TlsContexts#CHECK_INTERVAL}, on the mesh's ticker): new connections use the new trust or
 * client certificate, unchanged material keeps its pooled connections, and a file rewritten with
 * garbage keeps the last good material.
 */
class TlsReloadIntegrationTest {
  @TempDir Path dir;
  final FakeClock clock = new FakeClock();
  final ServiceRegistry registry = new ServiceRegistry();

  Mesh mesh(String tls) {
    return Mesh.builder().registry(registry).ticker(clock).configYaml("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: secure}
        spec:
          host: secure
          trafficPolicy:
            tls: %s
        """.formatted(tls)).build();
  }

  static Endpoint endpoint(MockWebServer server) {
    return Endpoint.of("127.0.0.1", server.getPort());
  }

  static String get(OkHttpClient client) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url("http://secure:8080/").build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  static List<RecordedRequest> requests(MockWebServer server) throws InterruptedException {
    List<RecordedRequest> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
      if (r.getFailure() == null && r.getMethod() != null) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void aRotatedCaBundleIsTrustedForNewConnectionsAfterTheCheckInterval() throws Exception {
    TestPki oldCa = new TestPki("old CA");
    TestPki newCa = new TestPki("new CA");
    Path ca = oldCa.writeCa(dir.resolve("ca.pem"));
    try (MockWebServer before = oldCa.server(oldCa.issue("secure"));
        MockWebServer after = newCa.server(newCa.issue("secure"));
        Mesh mesh = mesh("{mode: SIMPLE, caCertificates: \"" + ca + "\"}")) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      registry.register("secure", 8080, endpoint(before));
      assertThat(get(client)).isEqualTo("200 secure");

      registry.register("secure", 8080, endpoint(after));
      assertThat(get(client)).as("the new server's CA is not trusted yet").startsWith("503");
      newCa.writeCa(ca);
      assertThat(get(client)).as("files are checked at most every interval").startsWith("503");
      clock.advance(TlsContexts.CHECK_INTERVAL);
      assertThat(get(client)).isEqualTo("200 secure");

      Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
      clock.advance(TlsContexts.CHECK_INTERVAL);
      assertThat(get(client)).as("a broken rewrite keeps the last good CA").isEqualTo("200 secure");
      assertThat(requests(after)).hasSize(2);
    }
  }

  @Test
  void aRotatedClientCertificateIsPresentedOnNewConnectionsAndUnchangedMaterialKeepsItsConnection()
      throws Exception {
    TestPki server = new TestPki("server CA");
    TestPki clients = new TestPki("client CA");
    HeldCertificate first = clientCertificate(clients, 1);
    HeldCertificate second = clientCertificate(clients, 2);
    Path ca = server.writeCa(dir.resolve("ca.pem"));
    Path cert = Files.writeString(dir.resolve("cert.pem"), first.certificatePem());
    Path key = Files.writeString(dir.resolve("key.pem"), first.privateKeyPkcs8Pem());
    try (MockWebServer backend = server.server(server.issue("secure"), clients)) {
      registry.register("secure", 8080, endpoint(backend));
      try (Mesh mesh = mesh("{mode: MUTUAL, caCertificates: \"%s\", clientCertificate: \"%s\", privateKey: \"%s\"}"
          .formatted(ca, cert, key))) {
        OkHttpClient client = MeshOkHttp.newClient(mesh);
        assertThat(get(client)).isEqualTo("200 secure");
        clock.advance(TlsContexts.CHECK_INTERVAL);
        assertThat(get(client)).isEqualTo("200 secure");

        Files.writeString(cert, second.certificatePem());
        Files.writeString(key, second.privateKeyPkcs8Pem());
        clock.advance(TlsContexts.CHECK_INTERVAL);
        assertThat(get(client)).isEqualTo("200 secure");

        List<RecordedRequest> got = requests(backend);
        assertThat(got).hasSize(3);
        assertThat(serial(got.get(0))).isEqualTo(BigInteger.ONE);
        assertThat(got.get(1).getConnectionIndex()).as("unchanged material: the pooled connection")
            .isEqualTo(got.get(0).getConnectionIndex());
        assertThat(serial(got.get(2))).as("the rotated certificate").isEqualTo(BigInteger.TWO);
        assertThat(got.get(2).getConnectionIndex()).isNotEqualTo(got.get(0).getConnectionIndex());
      }
    }
  }

  static HeldCertificate clientCertificate(TestPki ca, long serial) {
    return new HeldCertificate.Builder().commonName("client-" + serial).serialNumber(serial).signedBy(ca.ca).build();
  }

  static BigInteger serial(RecordedRequest r) {
    return ((X509Certificate) r.getHandshake().peerCertificates().get(0)).getSerialNumber();
  }
}
