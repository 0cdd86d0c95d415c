package dev.mesh4j.okhttp;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A private certificate authority made in the test, its certificates, and HTTPS servers on
 * 127.0.0.1 that present them. The CA is in no system trust store.
 */
final class TestPki {
  final HeldCertificate ca;

  TestPki(String name) {
    ca = new HeldCertificate.Builder().certificateAuthority(0).commonName(name).build();
  }

  /** A certificate the CA signs for {@code name} (as common name and DNS subject alternative name). */
  HeldCertificate issue(String name) {
    return new HeldCertificate.Builder().commonName(name).addSubjectAlternativeName(name).signedBy(ca).build();
  }

  /** Writes the CA certificate as PEM. */
  Path writeCa(Path file) throws IOException {
    return Files.writeString(file, ca.certificatePem());
  }

  /** A client builder that trusts this CA (and only it). */
  OkHttpClient.Builder trustingClient() {
    HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(ca.certificate()).build();
    return new OkHttpClient.Builder().sslSocketFactory(trust.sslSocketFactory(), trust.trustManager());
  }

  /**
   * Starts an HTTPS server (HTTP/1.1) on 127.0.0.1 presenting {@code certificate}; it answers every
   * request 200 with body {@code secure}.
   */
  MockWebServer server(HeldCertificate certificate) throws IOException {
    return server(certificate, null);
  }

  /**
   * The same, requiring a client certificate signed by {@code clients} when it is not null.
   */
  MockWebServer server(HeldCertificate certificate, TestPki clients) throws IOException {
    HandshakeCertificates.Builder handshake = new HandshakeCertificates.Builder()
        .heldCertificate(certificate, ca.certificate());
    if (clients != null) {
      handshake.addTrustedCertificate(clients.ca.certificate());
    }
    MockWebServer s = new MockWebServer();
    s.useHttps(handshake.build().sslSocketFactory());
    if (clients != null) {
      s.requireClientAuth();
    }
    s.setProtocols(List.of(Protocol.HTTP_1_1));
    s.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse(200, Headers.of(), "secure");
      }
    });
    s.start(InetAddress.getByName("127.0.0.1"), 0);
    return s;
  }
}
