package dev.mesh4j.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.MeshCa;
import dev.mesh4j.core.tls.MeshTls;
import dev.mesh4j.okhttp.MeshOkHttp;
import dev.mesh4j.spring.autoconfigure.ssl.MeshSslBundles;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * The starter's SSL bundle {@code mesh} serving Istio's mutual TLS, as a sidecar under
 * {@code STRICT} would: a meshed client presenting a workload certificate of the mesh reaches the
 * application, which sees the client's SPIFFE ID; a client without a certificate is refused; the
 * server certificate follows the identity files when they rotate. Shared by both Boot lines.
 */
class MeshSslBundleIntegrationTest {
  static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
  static final String PRODUCTPAGE = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("cluster.local");
  ConfigurableApplicationContext app;

  /** Reviews, serving the mesh's bundle. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(Whoami.class)
  static class ReviewsApp {}

  /** Answers with the caller's SPIFFE ID. */
  @RestController
  static class Whoami {
    @GetMapping("/whoami")
    String whoami(HttpServletRequest request) {
      return String.valueOf(request.getAttribute(MeshSslBundles.PEER_PRINCIPAL_ATTRIBUTE));
    }
  }

  /** Reviews as a WebFlux application (Reactor Netty), serving the mesh's bundle. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(ReactiveWhoami.class)
  static class ReactiveReviewsApp {}

  /** Answers with the caller's SPIFFE ID, from the exchange. */
  @RestController
  static class ReactiveWhoami {
    @GetMapping("/whoami")
    String whoami(ServerWebExchange exchange) {
      return String.valueOf((Object) exchange.getAttribute(MeshSslBundles.PEER_PRINCIPAL_ATTRIBUTE));
    }
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  int start(Path certs) {
    return start(certs, ReviewsApp.class, WebApplicationType.SERVLET);
  }

  int start(Path certs, Class<?> application, WebApplicationType type) {
    app = new SpringApplicationBuilder(application).web(type).properties(
        "server.port=0", "server.address=127.0.0.1", "spring.application.name=reviews",
        "server.ssl.bundle=mesh",
        "mesh.identity.enabled=true", "mesh.identity.directory=" + certs,
        "mesh.identity.check-interval=100ms").run();
    return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
  }

  Mesh client(int port) {
    String rule = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec: {host: reviews, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}
        """;
    return Mesh.builder().registry(new ServiceRegistry().register("reviews", 9080,
        Endpoint.of("127.0.0.1", port).withPrincipal(REVIEWS))).configYaml(rule)
        .identity(ca.issue(PRODUCTPAGE).identity()).build();
  }

  @Test
  void aMeshedClientReachesTheApplicationWhichSeesItsSpiffeId() throws IOException {
    Path certs = dir.resolve("certs");
    ca.write(certs, ca.issue(REVIEWS));
    int port = start(certs);
    try (Mesh mesh = client(port);
        Response r = MeshOkHttp.newClient(mesh).newCall(new Request.Builder().url("http://reviews:9080/whoami")
            .build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo(PRODUCTPAGE);
    }
  }

  @Test
  void aWebFluxApplicationSeesTheMeshedClientsSpiffeIdAsAnExchangeAttribute() throws IOException {
    Path certs = dir.resolve("certs");
    ca.write(certs, ca.issue(REVIEWS));
    int port = start(certs, ReactiveReviewsApp.class, WebApplicationType.REACTIVE);
    try (Mesh mesh = client(port);
        Response r = MeshOkHttp.newClient(mesh).newCall(new Request.Builder().url("http://reviews:9080/whoami")
            .build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo(PRODUCTPAGE);
    }
  }

  @Test
  void aClientWithoutACertificateOrInPlainTextIsRefused() throws Exception {
    Path certs = dir.resolve("certs");
    ca.write(certs, ca.issue(REVIEWS));
    int port = start(certs);
    OkHttpClient noCertificate = new OkHttpClient.Builder()
        .sslSocketFactory(tls(false).getSocketFactory(), trustRoot())
        .hostnameVerifier((host, session) -> true).build();
    assertThatThrownBy(() -> noCertificate.newCall(new Request.Builder()
        .url("https://127.0.0.1:" + port + "/whoami").build()).execute().close())
        .isInstanceOf(IOException.class);
    try (Response r = new OkHttpClient().newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/whoami")
        .build()).execute()) {
      assertThat(r.code()).as("plain text gets no answer from the application").isEqualTo(400);
    }
  }

  @Test
  void theServerCertificateFollowsTheIdentityFilesWhenTheyRotate() throws Exception {
    Path certs = dir.resolve("certs");
    MeshCa.Issued first = ca.issue(REVIEWS);
    ca.write(certs, first);
    int port = start(certs);
    assertThat(serverSerial(port)).isEqualTo(first.certificate().getSerialNumber());

    MeshCa.Issued second = ca.issue(REVIEWS);
    Files.writeString(certs.resolve("key.pem"), second.keyPem());
    Files.writeString(certs.resolve("cert-chain.pem"), second.chainPem());
    // The files are watched in real time: wait, as the other starter tests do, for the next check.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(serverSerial(port))
        .as("the serial the server presents on a new connection").isEqualTo(second.certificate().getSerialNumber()));
    try (Mesh mesh = client(port);
        Response r = MeshOkHttp.newClient(mesh).newCall(new Request.Builder().url("http://reviews:9080/whoami")
            .build()).execute()) {
      assertThat(r.body().string()).isEqualTo(PRODUCTPAGE);
    }
  }

  /** The serial of the certificate the server presents to a new mutual-TLS connection. */
  BigInteger serverSerial(int port) throws Exception {
    try (SSLSocket s = (SSLSocket) tls(true).getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  /** The JDK's trust manager trusting the mesh's root only. */
  X509TrustManager trustRoot() throws GeneralSecurityException, IOException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    KeyStore roots = KeyStore.getInstance("PKCS12");
    roots.load(null, null);
    roots.setCertificateEntry("root", ca.root());
    tmf.init(roots);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }

  /** TLS trusting the mesh's root, presenting a productpage certificate or none. */
  SSLContext tls(boolean withCertificate) throws GeneralSecurityException, IOException {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(withCertificate ? MeshTls.keyManagers(ca.issue(PRODUCTPAGE).identity()).getKeyManagers() : null,
        new TrustManager[] {trustRoot()}, null);
    return tls;
  }
}
