package dev.mesh4j.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * A private certificate authority and TLS servers on loopback whose certificates it signs: the
 * other side of TLS origination. The CA is in no system trust store.
 */
final class TestTls {
  private final HeldCertificate ca = new HeldCertificate.Builder()
      .certificateAuthority(0).commonName("mesh4j conformance CA").build();

  /** Writes the CA certificate as PEM, for a DestinationRule's {@code caCertificates}. */
  Path writeCa(Path dir) throws IOException {
    return Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
  }

  /**
   * Starts an HTTPS server on 127.0.0.1 whose certificate names {@code serverName}; it answers
   * every request 200 with body {@code secure}.
   */
  MockWebServer server(String serverName) throws IOException {
    HeldCertificate cert = new HeldCertificate.Builder()
        .commonName(serverName).addSubjectAlternativeName(serverName).signedBy(ca).build();
    HandshakeCertificates server = new HandshakeCertificates.Builder().heldCertificate(cert, ca.certificate()).build();
    MockWebServer s = new MockWebServer();
    s.useHttps(server.sslSocketFactory());
    // HTTP/1.1 only, so that the logical authority arrives as a Host header.
    s.setProtocols(List.of(Protocol.HTTP_1_1));
    s.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse(200, Headers.of("x-backend", "tls-" + serverName), "secure");
      }
    });
    s.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    return s;
  }

  /** The HTTP requests a server read (a failed handshake or an empty connection is not one). */
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
}
