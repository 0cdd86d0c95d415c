package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.runtime.DnsResolver;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.testing.TcpRelay;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * Istio's egress gateway for HTTPS, over real TLS: an {@code https://edition.cnn.com/} call goes
 * by the VirtualService's {@code tls} route to the egress gateway — here a TCP relay on loopback
 * that passes the bytes through, as a gateway in {@code PASSTHROUGH} mode does — and the
 * application's own TLS reaches the server untouched: the server name is {@code edition.cnn.com},
 * the certificate is verified against it, the client's trust decides.
 */
class TlsRouteIntegrationTest {
  static final String HOST = "edition.cnn.com";

  final TestPki pki = new TestPki("mesh4j test CA");

  /**
   * Istio's task: the ServiceEntry (443 to the server's port, as DNS resolution with a target
   * port), the PASSTHROUGH Gateway, the DestinationRule with subset {@code cnn} and the
   * VirtualService with its two {@code tls} routes; the egress gateway's Service is the relay.
   */
  static String egressTask(int serverPort, String relayAddress, int relayPort, boolean withVirtualService) {
    String yaml = """
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
          - {address: %s, ports: {tls: %d}, labels: {istio: egressgateway}}
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: istio-egressgateway}
        spec:
          selector: {istio: egressgateway}
          servers:
          - port: {number: 443, name: tls, protocol: TLS}
            hosts: [edition.cnn.com]
            tls: {mode: PASSTHROUGH}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: egressgateway-for-cnn}
        spec:
          host: istio-egressgateway.istio-system.svc.cluster.local
          subsets:
          - name: cnn
        """.formatted(serverPort, relayAddress, relayPort);
    if (!withVirtualService) {
      return yaml;
    }
    return yaml + """
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
                subset: cnn
                port: {number: 443}
          - match:
            - gateways: [istio-egressgateway]
              port: 443
              sniHosts: [edition.cnn.com]
            route:
            - destination: {host: edition.cnn.com, port: {number: 443}}
              weight: 100
        """;
  }

  /** The mesh's DNS: edition.cnn.com is the server on loopback. */
  static final DnsResolver DNS = host -> {
    if (host.equals(HOST)) {
      return List.of(InetAddress.getByName("127.0.0.1"));
    }
    throw new UnknownHostException(host);
  };

  static Mesh mesh(String yaml) {
    return Mesh.builder().dnsResolver(DNS).configYaml(yaml).build();
  }

  static String call(OkHttpClient client, String url) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  static RecordedRequest take(MockWebServer server) throws InterruptedException {
    RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
    assertThat(r).as("the server got the request").isNotNull();
    return r;
  }

  @Test
  void theCallGoesThroughTheEgressGatewayWithTheApplicationsTlsUntouched() throws Exception {
    try (MockWebServer server = pki.server(pki.issue(HOST));
        TcpRelay gateway = TcpRelay.start("127.0.0.1", 0, server.getPort());
        Mesh mesh = mesh(egressTask(server.getPort(), "127.0.0.1", gateway.port(), true))) {
      OkHttpClient client = MeshOkHttp.install(mesh, pki.trustingClient()).build();
      assertThat(call(client, "https://edition.cnn.com/politics")).isEqualTo("200 secure");
      assertThat(gateway.connections()).as("through the egress gateway").isEqualTo(1);
      RecordedRequest r = take(server);
      assertThat(r.getHandshake()).as("the application's TLS, end to end").isNotNull();
      assertThat(r.getHandshakeServerNames()).containsExactly(HOST);
      assertThat(r.getHeaders().get("Host")).isEqualTo(HOST);
      assertThat(r.getTarget()).isEqualTo("/politics");
      assertThat(r.getHandshake().peerPrincipal()).as("no client certificate: nothing of the mesh's").isNull();

      // A second call reuses the connection pooled through the gateway.
      assertThat(call(client, "https://edition.cnn.com/world")).isEqualTo("200 secure");
      assertThat(gateway.connections()).isEqualTo(1);
      assertThat(take(server).getConnectionIndex()).isEqualTo(r.getConnectionIndex());
    }
  }

  @Test
  void withoutTheTlsRouteTheCallGoesDirectlyToTheServiceEntrysEndpoint() throws Exception {
    try (MockWebServer server = pki.server(pki.issue(HOST));
        TcpRelay gateway = TcpRelay.start("127.0.0.1", 0, server.getPort());
        Mesh mesh = mesh(egressTask(server.getPort(), "127.0.0.1", gateway.port(), false))) {
      OkHttpClient client = MeshOkHttp.install(mesh, pki.trustingClient()).build();
      assertThat(call(client, "https://edition.cnn.com/politics")).isEqualTo("200 secure");
      assertThat(gateway.connections()).isZero();
      assertThat(take(server).getHandshakeServerNames()).containsExactly(HOST);
    }
  }

  @Test
  void aConnectionPooledThroughTheGatewayIsNotReusedWhenTheRouteSendsTheHostDirectly() throws Exception {
    // The gateway listens on 127.0.0.2 on the server's own port number, so the two ways differ
    // only in the address the host resolves to: a pool keyed by host and port alone would mix them.
    try (MockWebServer server = pki.server(pki.issue(HOST));
        TcpRelay gateway = TcpRelay.start("127.0.0.2", server.getPort(), server.getPort());
        Mesh routed = mesh(egressTask(server.getPort(), "127.0.0.2", server.getPort(), true));
        Mesh direct = mesh(egressTask(server.getPort(), "127.0.0.2", server.getPort(), false))) {
      OkHttpClient base = pki.trustingClient().build();  // one connection pool for both
      OkHttpClient viaGateway = MeshOkHttp.install(routed, base.newBuilder()).build();
      OkHttpClient toServer = MeshOkHttp.install(direct, base.newBuilder()).build();

      assertThat(call(viaGateway, "https://edition.cnn.com/a")).isEqualTo("200 secure");
      RecordedRequest first = take(server);
      assertThat(gateway.connections()).isEqualTo(1);
      assertThat(base.connectionPool().idleConnectionCount()).isEqualTo(1);

      assertThat(call(toServer, "https://edition.cnn.com/b")).isEqualTo("200 secure");
      RecordedRequest second = take(server);
      assertThat(gateway.connections()).as("not through the gateway's pooled connection").isEqualTo(1);
      assertThat(second.getConnectionIndex()).isNotEqualTo(first.getConnectionIndex());
      assertThat(base.connectionPool().idleConnectionCount()).isEqualTo(2);

      assertThat(call(viaGateway, "https://edition.cnn.com/c")).isEqualTo("200 secure");
      assertThat(take(server).getConnectionIndex()).as("back on the gateway's").isEqualTo(first.getConnectionIndex());
      assertThat(gateway.connections()).isEqualTo(1);
    }
  }

  @Test
  void twoRoutedHostsDoNotShareAPooledConnection() throws Exception {
    try (MockWebServer server = pki.server(pki.issue(HOST));
        MockWebServer other = pki.server(pki.issue("www.example.org"));
        TcpRelay gateway = TcpRelay.start("127.0.0.1", 0, server.getPort());
        Mesh mesh = Mesh.builder().dnsResolver(name -> List.of(InetAddress.getByName("127.0.0.1")))
            .configYaml(egressTask(server.getPort(), "127.0.0.1", gateway.port(), true))
            .configYaml("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: example}
                spec:
                  hosts: [www.example.org]
                  ports:
                  - {number: 443, name: tls, protocol: TLS, targetPort: %d}
                  resolution: DNS
                """.formatted(other.getPort())).build()) {
      OkHttpClient client = MeshOkHttp.install(mesh, pki.trustingClient()).build();
      for (int i = 0; i < 3; i++) {
        assertThat(call(client, "https://edition.cnn.com/")).isEqualTo("200 secure");
        assertThat(call(client, "https://www.example.org/")).isEqualTo("200 secure");
      }
      assertThat(gateway.connections()).isEqualTo(1);
      assertThat(server.getRequestCount()).isEqualTo(3);
      assertThat(other.getRequestCount()).isEqualTo(3);
      RecordedRequest r = take(other);
      assertThat(r.getHandshakeServerNames()).containsExactly("www.example.org");
    }
  }

  @Test
  void aServerWhoseCertificateIsForAnotherHostStillFailsVerificationBehindTheGateway() throws Exception {
    try (MockWebServer impostor = pki.server(pki.issue("evil.example"));
        TcpRelay gateway = TcpRelay.start("127.0.0.1", 0, impostor.getPort());
        Mesh mesh = mesh(egressTask(impostor.getPort(), "127.0.0.1", gateway.port(), true))) {
      OkHttpClient client = MeshOkHttp.install(mesh, pki.trustingClient()).build();
      try (Response r = client.newCall(new Request.Builder().url("https://edition.cnn.com/politics").build())
          .execute()) {
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.header("x-mesh4j-flags")).startsWith("UF");
      }
      assertThat(gateway.connections()).as("it did go through the gateway").isEqualTo(1);
      assertThat(impostor.takeRequest(200, TimeUnit.MILLISECONDS)).as("and sent no request").satisfiesAnyOf(
          x -> assertThat(x).isNull(), x -> assertThat(x.getMethod()).isNull());
    }
  }

  @Test
  void aServerNameNoTlsRouteNamesIsNotSentToTheGateway() throws Exception {
    String wildcard = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: cnn-all}
        spec:
          hosts: ["*.cnn.com"]
          ports:
          - {number: 443, name: tls, protocol: TLS}
          resolution: NONE
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: cnn-edition-only}
        spec:
          hosts: ["*.cnn.com"]
          tls:
          - match: [{port: 443, sniHosts: [edition.cnn.com]}]
            route:
            - destination: {host: istio-egressgateway.istio-system.svc.cluster.local, port: {number: 443}}
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
        """;
    try (MockWebServer server = pki.server(pki.issue("money.cnn.com"));
        TcpRelay gateway = TcpRelay.start("127.0.0.1", 0, server.getPort())) {
      try (Mesh mesh = Mesh.builder().configYaml(wildcard.formatted(gateway.port()))
          .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY).build()) {
        OkHttpClient client = MeshOkHttp.install(mesh, pki.trustingClient()).build();
        assertThat(call(client, "https://money.cnn.com/")).isEqualTo("502 ");
      }
      try (Mesh mesh = Mesh.builder().configYaml(wildcard.formatted(gateway.port())).build()) {
        // Passed through to where the application named it (its DNS: nothing listens on 443 there).
        OkHttpClient client = MeshOkHttp.install(mesh, pki.trustingClient()
            .dns(name -> List.of(InetAddress.getByName("127.0.0.1")))).build();
        assertThatThrownBy(() -> call(client, "https://money.cnn.com/")).isInstanceOf(IOException.class);
      }
      assertThat(gateway.connections()).isZero();
      assertThat(server.getRequestCount()).isZero();
    }
  }
}
