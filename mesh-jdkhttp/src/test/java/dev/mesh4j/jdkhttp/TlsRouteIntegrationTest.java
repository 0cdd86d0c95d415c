package dev.mesh4j.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.runtime.DnsResolver;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.testing.TcpRelay;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.junit.jupiter.api.Test;

/**
 * Istio's egress gateway for HTTPS through the JDK transport: the call goes by the {@code tls}
 * route through the gateway (a TCP relay passing the bytes through), with the application's own
 * TLS to the server: its trust, {@code edition.cnn.com} as server name and as the checked name.
 */
class TlsRouteIntegrationTest {
  static final String HOST = "edition.cnn.com";

  final HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("mesh4j test CA").build();

  MockWebServer server(String certifiedName) throws IOException {
    HeldCertificate cert = new HeldCertificate.Builder()
        .commonName(certifiedName).addSubjectAlternativeName(certifiedName).signedBy(ca).build();
    MockWebServer server = new MockWebServer();
    server.useHttps(new HandshakeCertificates.Builder().heldCertificate(cert, ca.certificate()).build()
        .sslSocketFactory());
    server.setProtocols(List.of(Protocol.HTTP_1_1));
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse(200, Headers.of(), "secure");
      }
    });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    return server;
  }

  static Mesh mesh(int serverPort, int relayPort) {
    DnsResolver dns = host -> {
      if (host.equals(HOST)) {
        return List.of(InetAddress.getByName("127.0.0.1"));
      }
      throw new UnknownHostException(host);
    };
    return Mesh.builder().dnsResolver(dns).configYaml("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: cnn}
        spec:
          hosts: [edition.cnn.com]
          ports:
          - {number: 443, name: tls, protocol: TLS, targetPort: %d}
          resolution: DNS
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: istio-egressgateway, namespace: istio-system}
        spec:
          hosts: [istio-egressgateway.istio-system.svc.cluster.local]
          ports:
          - {number: 443, name: tls, protocol: TLS}
          resolution: STATIC
          endpoints:
          - {address: 127.0.0.1, ports: {tls: %d}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: direct-cnn-through-egress-gateway}
        spec:
          hosts: [edition.cnn.com]
          gateways: [mesh, istio-egressgateway]
          tls:
          - match:
            - gateways: [mesh]
              port: 443
              sniHosts: [edition.cnn.com]
            route:
            - destination:
                host: istio-egressgateway.istio-system.svc.cluster.local
                port: {number: 443}
        """.formatted(serverPort, relayPort)).build();
  }

  HttpClient client(Mesh mesh) {
    HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(ca.certificate()).build();
    return MeshJdkHttp.newClient(mesh, HttpClient.newBuilder().sslContext(trust.sslContext()));
  }

  static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theCallGoesThroughTheEgressGatewayWithTheApplicationsTls() throws Exception {
    try (MockWebServer server = server(HOST);
        TcpRelay gateway = TcpRelay.start("127.0.0.1", 0, server.getPort());
        Mesh mesh = mesh(server.getPort(), gateway.port())) {
      HttpResponse<String> r = get(client(mesh), "https://edition.cnn.com/politics");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("secure");
      assertThat(gateway.connections()).isEqualTo(1);
      RecordedRequest got = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(got.getHandshakeServerNames()).containsExactly(HOST);
      assertThat(got.getTarget()).isEqualTo("/politics");
    }
  }

  @Test
  void aServerWhoseCertificateIsForAnotherHostFailsVerificationBehindTheGateway() throws Exception {
    try (MockWebServer impostor = server("evil.example");
        TcpRelay gateway = TcpRelay.start("127.0.0.1", 0, impostor.getPort());
        Mesh mesh = mesh(impostor.getPort(), gateway.port())) {
      HttpResponse<String> r = get(client(mesh), "https://edition.cnn.com/politics");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("x-mesh4j-flags").orElse("")).contains("UF");
      assertThat(gateway.connections()).isEqualTo(1);
      RecordedRequest got = impostor.takeRequest(200, TimeUnit.MILLISECONDS);
      assertThat(got == null || got.getMethod() == null).as("no request reached it").isTrue();
    }
  }
}
