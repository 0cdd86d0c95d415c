package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.MeshCa;
import dev.mesh4j.core.tls.MeshTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * What mesh4j's ClientHello offers under Istio's mutual TLS, as a JDK TLS server sees it: Istio's
 * ALPN values first — what a sidecar in {@code PERMISSIVE} mode looks for to take the connection as
 * mutual TLS — then the HTTP protocols OkHttp speaks; and a server selecting {@code istio-http/1.1}
 * gets HTTP/1.1.
 */
class IstioAlpnIntegrationTest {
  final MeshCa ca = MeshCa.create("cluster.local");
  final WorkloadIdentity reviews = ca.issue("spiffe://cluster.local/ns/default/sa/bookinfo-reviews").identity();
  final WorkloadIdentity productpage = ca.issue("spiffe://cluster.local/ns/default/sa/bookinfo-productpage").identity();

  @Test
  void offersIstiosAlpnValuesThenHttpsAndTakesAnIstioSelectionAsHttp11() throws Exception {
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(MeshTls.keyManagers(reviews).getKeyManagers(),
        new TrustManager[] {MeshTls.trustManager(reviews, List.of())}, null);
    CompletableFuture<List<String>> offered = new CompletableFuture<>();
    CompletableFuture<String> client = new CompletableFuture<>();
    try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      Thread serving = new Thread(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.setHandshakeApplicationProtocolSelector((socket, protocols) -> {
            offered.complete(List.copyOf(protocols));
            return "istio-http/1.1";
          });
          s.startHandshake();
          client.complete(MeshTls.peerSpiffeId(s.getSession()));
          readHead(s.getInputStream());
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (IOException e) {
          offered.completeExceptionally(e);
          client.completeExceptionally(e);
        }
      }, "tls-peer");
      serving.setDaemon(true);
      serving.start();
      String rule = """
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: reviews}
          spec: {host: reviews, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}
          """;
      try (Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("reviews", 9080,
              Endpoint.of("127.0.0.1", listener.getLocalPort()).withPrincipal(reviews.spiffeId())))
              .configYaml(rule).identity(productpage).build()) {
        OkHttpClient okhttp = MeshOkHttp.newClient(mesh);
        try (Response r = okhttp.newCall(new Request.Builder().url("http://reviews:9080/").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_1);
          assertThat(r.body().string()).isEqualTo("ok");
        }
      }
      assertThat(offered.get(10, TimeUnit.SECONDS))
          .containsExactly("istio-h2", "istio-http/1.1", "istio", "h2", "http/1.1");
      assertThat(client.get(10, TimeUnit.SECONDS)).isEqualTo(productpage.spiffeId());
    }
  }

  @Test
  void istiosValuesStandForTheHttpProtocolsTheyName() {
    assertThat(MeshTls.istioAlpn(List.of("http/1.1"))).containsExactly("istio-http/1.1", "istio", "http/1.1");
    assertThat(MeshTls.httpProtocol("istio-h2")).isEqualTo("h2");
    assertThat(MeshTls.httpProtocol("istio")).isNull();
    assertThat(MeshTls.httpProtocol("h2")).isEqualTo("h2");
  }

  private static void readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }
}
