package dev.mesh4j.istiod;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.istiod.testing.TestCa;
import dev.mesh4j.istiod.testing.TestIstiod;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where istiod is, over real sockets: TLS verified against the mesh's root with the projected
 * token (istiod's port 15012), an xDS bootstrap file as Istio's agent writes it, a unix socket.
 */
class IstiodAddressesIntegrationTest {
  @TempDir Path dir;
  BookinfoPods pods;
  TestIstiod istiod;

  @BeforeEach
  void start() {
    pods = new BookinfoPods();
    istiod = TestIstiod.start();
    istiod.push(new GrpcGen(BookinfoPods.config(List.of("bookinfo/destination-rule-all.yaml",
        "bookinfo/virtual-service-reviews-v3.yaml")), pods.services, "default", Map.of()).generate());
  }

  @AfterEach
  void stop() {
    istiod.close();
    pods.close();
  }

  @Test
  void tlsVerifiedAgainstTheMeshRootWithTheTokenReadForEveryStream() throws Exception {
    try (TestCa ca = new TestCa(Clock.systemUTC())) {
      KeyPair keys = TestCa.ecKeys();
      Path chain = Files.writeString(dir.resolve("istiod.pem"), TestCa.pem(ca.serverCertificate(keys.getPublic(),
          "localhost")));
      Path key = Files.writeString(dir.resolve("istiod-key.pem"), TestCa.pem(keys.getPrivate()));
      Path root = Files.writeString(dir.resolve("root-cert.pem"), TestCa.pem(ca.root));
      Path token = Files.writeString(dir.resolve("istio-token"), "token-1\n");
      int port = istiod.listenWithTls(chain.toFile(), key.toFile());

      try (Mesh mesh = Mesh.builder().namespace("default").source(IstiodSource.builder("localhost:" + port)
          .caCertificate(root).token(token).initialSyncTimeout(Duration.ofSeconds(20)).build()).build()) {
        assertThat(get(MeshOkHttp.newClient(mesh))).isEqualTo("200 reviews-v3");
        assertThat(istiod.authorizations()).containsOnly("Bearer token-1");
      }
    }
  }

  @Test
  void aServerCertificateFromAnotherRootIsNotTrusted() throws Exception {
    try (TestCa ca = new TestCa(Clock.systemUTC()); TestCa other = new TestCa(Clock.systemUTC())) {
      KeyPair keys = TestCa.ecKeys();
      Path chain = Files.writeString(dir.resolve("istiod.pem"), TestCa.pem(other.serverCertificate(keys.getPublic(),
          "localhost")));
      Path key = Files.writeString(dir.resolve("istiod-key.pem"), TestCa.pem(keys.getPrivate()));
      Path root = Files.writeString(dir.resolve("root-cert.pem"), TestCa.pem(ca.root));
      int port = istiod.listenWithTls(chain.toFile(), key.toFile());

      Mesh.Builder builder = Mesh.builder().namespace("default").source(IstiodSource.builder("localhost:" + port)
          .caCertificate(root).token(Files.writeString(dir.resolve("t"), "t"))
          .initialSyncTimeout(Duration.ofSeconds(3)).build());
      org.assertj.core.api.Assertions.assertThatThrownBy(builder::build).hasMessageContaining("istiod:localhost:" + port);
      assertThat(istiod.authorizations()).as("the token never went to an untrusted server").isEmpty();
    }
  }

  @Test
  void aBootstrapFileAsIstiosAgentWritesIt() throws Exception {
    int port = istiod.listenOnLoopback();
    Path bootstrap = Files.writeString(dir.resolve("grpc-bootstrap.json"), """
        {
          "xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}],
                           "server_features": ["xds_v3"]}],
          "node": {"id": "sidecar~10.0.0.7~productpage-v1-abc.default~default.svc.cluster.local",
                   "metadata": {"GENERATOR": "grpc", "NAMESPACE": "default", "LABELS": {"app": "productpage"}}}
        }
        """.formatted(port));

    try (Mesh mesh = Mesh.builder().namespace("default").source(IstiodSource.bootstrap(bootstrap)
        .initialSyncTimeout(Duration.ofSeconds(20)).build()).build()) {
      assertThat(get(MeshOkHttp.newClient(mesh))).isEqualTo("200 reviews-v3");
      DiscoveryRequest first = istiod.requests().get(0);
      assertThat(first.getNode().getId()).isEqualTo("sidecar~10.0.0.7~productpage-v1-abc.default~default.svc.cluster.local");
      assertThat(first.getNode().getMetadata().getFieldsMap().get("LABELS").getStructValue().getFieldsMap()
          .get("app").getStringValue()).isEqualTo("productpage");
    }
  }

  @Test
  void aUnixSocketInPlainText() throws Exception {
    Path socket = dir.resolve("XDS");
    istiod.listenOnUnixSocket(socket);

    try (Mesh mesh = Mesh.builder().namespace("default").source(IstiodSource.builder("unix://" + socket)
        .initialSyncTimeout(Duration.ofSeconds(20)).build()).build()) {
      assertThat(get(MeshOkHttp.newClient(mesh))).isEqualTo("200 reviews-v3");
    }
  }

  static String get(OkHttpClient client) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/").build()).execute()) {
      return r.code() + " " + r.header("x-backend");
    }
  }
}
