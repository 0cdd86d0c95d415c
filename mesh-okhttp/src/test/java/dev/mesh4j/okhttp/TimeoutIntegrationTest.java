package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Route and per-try timeouts over real HTTP: the transport turns the engine's budget into
 * OkHttp's per-attempt limits. Bounded: a hanging backend is released when the test ends.
 */
class TimeoutIntegrationTest {
  final CountDownLatch release = new CountDownLatch(1);
  LoopbackBackend hanging;
  LoopbackBackend healthy;

  @BeforeEach
  void start() {
    hanging = LoopbackBackend.start("hanging").answer(r -> {
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Answer.of(200, "late");
    });
    healthy = LoopbackBackend.start("healthy");
  }

  @AfterEach
  void stop() {
    release.countDown();
    hanging.close();
    healthy.close();
  }

  Mesh mesh(String route, LoopbackBackend... backends) {
    ServiceRegistry registry = new ServiceRegistry();
    registry.register("web", 8080, java.util.Arrays.stream(backends).map(LoopbackBackend::endpoint).toList());
    return Mesh.builder().registry(registry).configYaml("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [web]
          http:
          - route: [{destination: {host: web}}]
        %s
        """.formatted(route.indent(4).stripTrailing())).build();
  }

  static Response get(OkHttpClient client) throws IOException {
    return client.newCall(new Request.Builder().url("http://web:8080/").build()).execute();
  }

  @Test
  void theRouteTimeoutAnswers504UtAndAbandonsTheHangingAttempt() throws IOException {
    try (Mesh mesh = mesh("timeout: 300ms", hanging)) {
      long start = System.nanoTime();
      try (Response r = get(MeshOkHttp.newClient(mesh))) {
        assertThat(r.code()).isEqualTo(504);
        assertThat(r.header("x-mesh4j-flags")).isEqualTo("UT");
        assertThat(r.body().string()).isEqualTo("upstream request timeout");
      }
      // A sanity bound, far above the 300 ms deadline: the call did not wait for the backend.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(hanging.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void aPerTryTimeoutMovesTheRetryToAnotherEndpoint() throws IOException {
    try (Mesh mesh = mesh("retries: {attempts: 3, perTryTimeout: 200ms, retryOn: 5xx}", hanging, healthy)) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      for (int i = 0; i < 4; i++) {
        try (Response r = get(client)) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).isEqualTo("healthy");
        }
      }
      assertThat(healthy.requestCount()).isEqualTo(4);
    }
  }

  @Test
  void theClientsOwnShorterTimeoutReachesTheApplicationUnchanged() {
    try (Mesh mesh = mesh("timeout: 10s", hanging)) {
      OkHttpClient client = MeshOkHttp.install(mesh, new OkHttpClient.Builder()
          .readTimeout(Duration.ofMillis(200))).build();
      assertThatThrownBy(() -> get(client).close()).isInstanceOf(InterruptedIOException.class);
    }
  }

  @Test
  void theRouteDeadlineAlsoBoundsReadingTheBody() throws IOException {
    LoopbackBackend trickle = LoopbackBackend.start("trickle").streaming((out) -> {
      out.write("first part,".getBytes());
      out.flush();
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try (trickle; Mesh mesh = mesh("timeout: 300ms", trickle); Response r = get(MeshOkHttp.newClient(mesh))) {
      assertThat(r.code()).isEqualTo(200);
      assertThatThrownBy(() -> r.body().string()).isInstanceOf(InterruptedIOException.class);
    }
  }
}
