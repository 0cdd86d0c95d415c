package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Authenticator;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mesh is the only one that resends a request: with {@code attempts: 0} a POST reaches the
 * backend once, whatever the backend answers or however its connection ends. OkHttp's own
 * retries and follow-ups below the mesh are off for meshed calls; the application's redirect
 * and authenticator settings still apply, hop by hop through the mesh.
 */
class NoHiddenResendIntegrationTest {
  final List<AutoCloseable> closeAfter = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  Mesh mesh(String retries, Endpoint endpoint) {
    Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("web", 8080, endpoint)).configYaml("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [web]
          http:
          - route: [{destination: {host: web}}]
            retries: %s
        """.formatted(retries)).build();
    closeAfter.add(mesh);
    return mesh;
  }

  LoopbackBackend backend(Answer answer) {
    LoopbackBackend b = LoopbackBackend.start("web").answer(r -> answer);
    closeAfter.add(b);
    return b;
  }

  static Response post(OkHttpClient client) throws IOException {
    return client.newCall(new Request.Builder().url("http://web:8080/pay")
        .post(RequestBody.create("amount=10", MediaType.get("application/x-www-form-urlencoded"))).build()).execute();
  }

  static int status(OkHttpClient client) throws IOException {
    try (Response r = post(client)) {
      r.body().string();
      return r.code();
    }
  }

  @Test
  void a503WithRetryAfterZeroIsNotResent() throws IOException {
    LoopbackBackend web = backend(new Answer(503, Map.of("Retry-After", "0"), "busy"));
    OkHttpClient client = MeshOkHttp.newClient(mesh("{attempts: 0}", web.endpoint()));
    try (Response r = post(client)) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.header("Retry-After")).as("the application still sees the header").isEqualTo("0");
    }
    assertThat(web.requestCount()).isEqualTo(1);
  }

  @Test
  void a408IsNotResent() throws IOException {
    LoopbackBackend web = backend(Answer.of(408, "too slow"));
    assertThat(status(MeshOkHttp.newClient(mesh("{attempts: 0}", web.endpoint())))).isEqualTo(408);
    assertThat(web.requestCount()).isEqualTo(1);
  }

  /** Answers the first request of every connection, then reads the second and closes without an answer. */
  RawPeer dropsTheSecondRequest() {
    RawPeer peer = RawPeer.start(c -> {
      if (c.readRequest() == null) {
        return;
      }
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      c.readRequest();
    });
    closeAfter.add(peer);
    return peer;
  }

  @Test
  void aPooledConnectionThatDropsAfterReadingTheRequestIsNotResent() throws IOException {
    RawPeer peer = dropsTheSecondRequest();
    OkHttpClient client = MeshOkHttp.newClient(mesh("{attempts: 0}", peer.endpoint()));
    assertThat(status(client)).isEqualTo(200);
    try (Response r = post(client)) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.header("x-mesh4j-flags")).isEqualTo("UC");
    }
    assertThat(peer.requests()).as("two POSTs, each read once").hasSize(2);
  }

  @Test
  void theRetryPolicyDecidesWhetherADroppedRequestIsResent() throws IOException {
    RawPeer peer = dropsTheSecondRequest();
    OkHttpClient client = MeshOkHttp.newClient(mesh("{attempts: 1, retryOn: reset}", peer.endpoint()));
    assertThat(status(client)).isEqualTo(200);
    assertThat(status(client)).as("resent by the mesh, on a new connection").isEqualTo(200);
    assertThat(peer.requests()).hasSize(3);
    assertThat(peer.requests().get(2)).contains("x-envoy-attempt-count: 2");
  }

  @Test
  void theApplicationsAuthenticatorAnswersAChallengeThroughTheMesh() throws IOException {
    LoopbackBackend web = LoopbackBackend.start("web").answer(r -> "Basic b2s=".equals(r.header("authorization"))
        ? Answer.of(200, "welcome") : new Answer(401, Map.of("WWW-Authenticate", "Basic realm=\"web\""), ""));
    closeAfter.add(web);
    List<String> challenged = new CopyOnWriteArrayList<>();
    Authenticator authenticator = (route, response) -> {
      challenged.add(response.request().url().toString());
      return response.request().header("Authorization") != null ? null
          : response.request().newBuilder().header("Authorization", "Basic b2s=").build();
    };
    OkHttpClient client = MeshOkHttp.install(mesh("{attempts: 0}", web.endpoint()),
        new OkHttpClient.Builder().authenticator(authenticator)).build();
    try (Response r = post(client)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("welcome");
    }
    assertThat(challenged).as("the authenticator sees the application's URL").containsExactly("http://web:8080/pay");
    assertThat(web.requests()).hasSize(2);
    assertThat(web.requests().get(1).header("host")).isEqualTo("web:8080");
    assertThat(web.requests().get(1).body()).isEqualTo("amount=10");
  }
}
