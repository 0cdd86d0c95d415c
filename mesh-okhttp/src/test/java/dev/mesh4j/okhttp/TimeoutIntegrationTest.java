package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Protocol;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
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
    return mesh(route, java.util.Arrays.stream(backends).map(LoopbackBackend::endpoint).toList());
  }

  Mesh mesh(String route, List<Endpoint> endpoints) {
    ServiceRegistry registry = new ServiceRegistry();
    registry.register("web", 8080, endpoints);
    return Mesh.builder().registry(registry).random(RandomSource.seeded(3)).configYaml("""
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
      // Every answer came from healthy; on a loaded machine one of its answers may itself take
      // longer than the per-try timeout and be asked again.
      assertThat(healthy.requestCount()).isGreaterThanOrEqualTo(4);
      assertThat(hanging.requestCount()).as("attempts that timed out on the hanging endpoint").isPositive();
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
    try (trickle; Mesh mesh = mesh("timeout: 1s", trickle); Response r = get(MeshOkHttp.newClient(mesh))) {
      assertThat(r.code()).isEqualTo(200);
      assertThatThrownBy(() -> r.body().string()).isInstanceOf(InterruptedIOException.class);
    }
  }

  /**
   * A peer that answers after its request with a status line at once, then a header trickled one
   * byte every 50 ms for about five seconds (a read timeout never fires), then a body.
   */
  static RawPeer tricklingHeaders() {
    return RawPeer.start(c -> {
      while (c.readRequest() != null) {
        c.write("HTTP/1.1 200 OK\r\n");
        c.trickle("X-Trickle: " + "a".repeat(100) + "\r\n", 50);
        c.write("Content-Length: 7\r\n\r\ntrickle");
      }
    });
  }

  @Test
  void theRouteTimeoutIsAWallClockDeadlineAgainstAPeerThatTricklesHeaders() throws IOException {
    try (RawPeer peer = tricklingHeaders(); Mesh mesh = mesh("timeout: 500ms", List.of(peer.endpoint()))) {
      long start = System.nanoTime();
      try (Response r = get(MeshOkHttp.newClient(mesh))) {
        assertThat(r.code()).isEqualTo(504);
        assertThat(r.header("x-mesh4j-flags")).isEqualTo("UT");
      }
      // Generous: the deadline is 500 ms; the peer would take more than 5 s.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    }
  }

  @Test
  void theRouteDeadlineCountsFromTheStartOfTheCallWhileTheBodyTrickles() throws IOException {
    try (RawPeer peer = RawPeer.start(c -> {
          c.readRequest();
          c.pause(1500);
          c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
          c.trickle("b".repeat(100), 50);
        });
        Mesh mesh = mesh("timeout: 2s", List.of(peer.endpoint()))) {
      long start = System.nanoTime();
      try (Response r = get(MeshOkHttp.newClient(mesh))) {
        assertThat(r.code()).as("headers came in time").isEqualTo(200);
        assertThatThrownBy(() -> r.body().string()).isInstanceOf(InterruptedIOException.class);
      }
      // The deadline is 2 s after the start; counted from the headers it would be 3.5 s.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2800));
    }
  }

  @Test
  void aPerTryTimeoutCutsATricklingAttemptAndTheRetryGoesElsewhere() throws IOException {
    try (RawPeer peer = tricklingHeaders();
        Mesh mesh = mesh("retries: {attempts: 2, perTryTimeout: 300ms, retryOn: 5xx}",
            List.of(peer.endpoint(), healthy.endpoint()))) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      for (int i = 0; i < 4; i++) {
        long start = System.nanoTime();
        try (Response r = get(client)) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).isEqualTo("healthy");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
      }
      assertThat(peer.requests()).as("the trickling peer was tried").isNotEmpty();
    }
  }

  @Test
  void overHttp2AnAttemptCutAtItsDeadlineLeavesTheOtherStreamsOfItsConnectionAlone() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.setProtocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          long delay = request.getTarget().startsWith("/slow") ? 3000 : request.getTarget().startsWith("/sibling") ? 1000 : 0;
          return new MockResponse.Builder().code(200).body("done").headersDelay(delay, TimeUnit.MILLISECONDS).build();
        }
      });
      server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
      try (Mesh mesh = Mesh.builder()
          .registry(new ServiceRegistry().register("web", 8080, Endpoint.of("127.0.0.1", server.getPort())))
          .configYaml("""
              apiVersion: networking.istio.io/v1
              kind: VirtualService
              metadata: {name: web}
              spec:
                hosts: [web]
                http:
                - match: [{uri: {prefix: /slow}}]
                  route: [{destination: {host: web}}]
                  timeout: 300ms
                - route: [{destination: {host: web}}]
                  timeout: 10s
              """).build()) {
        OkHttpClient client = MeshOkHttp.install(mesh, new OkHttpClient.Builder()
            .protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))).build();
        try (Response warm = client.newCall(new Request.Builder().url("http://web:8080/warm").build()).execute()) {
          assertThat(warm.protocol()).isEqualTo(Protocol.H2_PRIOR_KNOWLEDGE);
        }
        CompletableFuture<String> sibling = CompletableFuture.supplyAsync(() -> {
          try (Response r = client.newCall(new Request.Builder().url("http://web:8080/sibling").build()).execute()) {
            return r.code() + " " + r.body().string();
          } catch (IOException e) {
            return e.toString();
          }
        });
        long start = System.nanoTime();
        try (Response slow = client.newCall(new Request.Builder().url("http://web:8080/slow").build()).execute()) {
          assertThat(slow.code()).isEqualTo(504);
          assertThat(slow.header("x-mesh4j-flags")).isEqualTo("UT");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        assertThat(sibling.get(10, TimeUnit.SECONDS)).isEqualTo("200 done");
        List<Integer> connections = new java.util.ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
          connections.add(r.getConnectionIndex());
        }
        assertThat(connections).as("one HTTP/2 connection carried all three").hasSize(3).containsOnly(0);
      }
    }
  }
}
