package dev.mesh4j.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries, wall-clock deadlines, outlier detection, pool limits and mirrors through the JDK
 * transport, over real loopback HTTP. Bounded: hanging backends are released when a test ends.
 */
class ResilienceIntegrationTest {
  final List<AutoCloseable> closeAfter = new ArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  LoopbackBackend backend(String name) {
    LoopbackBackend b = LoopbackBackend.start(name);
    closeAfter.add(b);
    return b;
  }

  static String config(String route, String trafficPolicy) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web}
        spec:
          host: web
          trafficPolicy:
        %s
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [web]
          http:
          - route: [{destination: {host: web}}]
        %s
        """.formatted(trafficPolicy.indent(4).stripTrailing(), route.indent(4).stripTrailing());
  }

  static HttpResponse<String> get(HttpClient client) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("http://web:8080/")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static int status(HttpClient client) throws IOException, InterruptedException {
    return get(client).statusCode();
  }

  @Test
  void a5xxIsRetriedOnTheOtherEndpoint() throws Exception {
    LoopbackBackend bad = backend("bad").answer(r -> Answer.of(500, "boom"));
    LoopbackBackend good = backend("good");
    try (Mesh mesh = Mesh.builder().random(RandomSource.seeded(2))
        .registry(new ServiceRegistry().register("web", 8080, bad.endpoint(), good.endpoint()))
        .configYaml(config("retries: {attempts: 2, retryOn: 5xx}", "loadBalancer: {simple: ROUND_ROBIN}")).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh);
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = get(client);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("good");
      }
      assertThat(good.requestCount()).isEqualTo(20);
      assertThat(bad.requestCount()).isBetween(1, 20);
      assertThat(bad.requests()).allSatisfy(r -> assertThat(r.header("x-envoy-attempt-count")).isEqualTo("1"));
      assertThat(good.requests()).allSatisfy(r -> assertThat(r.header("host")).isEqualTo("web:8080"));
    }
  }

  @Test
  void aFailingEndpointIsEjectedAtOnceAndReturnsAfterTheEjectionTime() throws Exception {
    FakeClock clock = new FakeClock();
    LoopbackBackend bad = backend("bad").answer(r -> Answer.of(500, "boom"));
    LoopbackBackend a = backend("a");
    LoopbackBackend b = backend("b");
    try (Mesh mesh = Mesh.builder().ticker(clock).scheduler(clock).random(RandomSource.seeded(4))
        .registry(new ServiceRegistry().register("web", 8080, bad.endpoint(), a.endpoint(), b.endpoint()))
        .configYaml(config("retries: {attempts: 0}", """
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: {consecutive5xxErrors: 3, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50}
            """)).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh);
      int errors = 0;
      for (int i = 0; i < 30; i++) {
        errors += status(client) == 500 ? 1 : 0;
      }
      clock.runDue();
      assertThat(errors).as("ejected at the third consecutive 5xx").isEqualTo(3);
      for (int i = 0; i < 30; i++) {
        assertThat(status(client)).isEqualTo(200);
      }
      assertThat(bad.requestCount()).as("no traffic while ejected").isEqualTo(3);
      clock.advance(Duration.ofSeconds(40));
      for (int i = 0; i < 6; i++) {
        status(client);
      }
      assertThat(bad.requestCount()).as("back after the ejection time").isGreaterThan(3);
    }
  }

  @Test
  void overflowIsShedAtOnceWithUo() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    LoopbackBackend slow = backend("slow").answer(r -> {
      arrived.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Answer.of(200, "slow");
    });
    try (Mesh mesh = Mesh.builder()
        .registry(new ServiceRegistry().register("web", 8080, slow.endpoint()))
        .configYaml(config("", "connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}"))
        .build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh);
      ExecutorService callers = Executors.newFixedThreadPool(2);
      closeAfter.add(callers::shutdownNow);
      CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> call(client), callers);
      assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Integer> queued = CompletableFuture.supplyAsync(() -> call(client), callers);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!poolLine(mesh).contains("1 waiting") && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      HttpResponse<String> shed = get(client);
      assertThat(release.getCount()).as("answered while the first request is held").isEqualTo(1);
      assertThat(shed.statusCode()).isEqualTo(503);
      assertThat(shed.headers().firstValue("x-mesh4j-flags")).hasValue("UO");
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(200);
      assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    }
  }

  static String poolLine(Mesh mesh) {
    return mesh.explain(dev.mesh4j.core.http.MeshRequest.builder("http://web:8080/").build()).policies().stream()
        .filter(p -> p.name().equals("connectionPool")).map(p -> p.value()).findFirst().orElse("");
  }

  static int call(HttpClient client) {
    try {
      return status(client);
    } catch (IOException e) {
      throw new RuntimeException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }

  /**
   * A peer that answers each request with a status line at once, then a header trickled one byte
   * every 50 ms for about five seconds (no read timeout would fire), then a body.
   */
  ServerSocket tricklingHeaders(AtomicInteger requests) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closeAfter.add(server);
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread c = new Thread(() -> {
            try (s) {
              InputStream in = s.getInputStream();
              OutputStream out = s.getOutputStream();
              FailureClassifierTest.readHead(in);
              requests.incrementAndGet();
              out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
              byte[] header = ("X-Trickle: " + "a".repeat(100) + "\r\n").getBytes(StandardCharsets.US_ASCII);
              for (byte b : header) {
                out.write(b);
                out.flush();
                if (release.await(50, TimeUnit.MILLISECONDS)) {
                  return;
                }
              }
              out.write("Content-Length: 7\r\n\r\ntrickle".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException | InterruptedException e) {
              // the client cut the attempt: expected
            }
          });
          c.setDaemon(true);
          c.start();
        } catch (IOException e) {
          // closed
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return server;
  }

  @Test
  void theRouteTimeoutIsAWallClockDeadlineAgainstAPeerThatTricklesHeaders() throws Exception {
    ServerSocket peer = tricklingHeaders(new AtomicInteger());
    try (Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("web", 8080,
        dev.mesh4j.api.endpoint.Endpoint.of("127.0.0.1", peer.getLocalPort())))
        .configYaml(config("timeout: 500ms", "loadBalancer: {simple: ROUND_ROBIN}")).build()) {
      long start = System.nanoTime();
      HttpResponse<String> r = get(MeshJdkHttp.newClient(mesh));
      assertThat(r.statusCode()).isEqualTo(504);
      assertThat(r.headers().firstValue("x-mesh4j-flags")).hasValue("UT");
      // Generous: the deadline is 500 ms; the peer would take more than 5 s.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2000));
    }
  }

  @Test
  void aPerTryTimeoutCutsATricklingAttemptAndTheRetryGoesElsewhere() throws Exception {
    AtomicInteger trickled = new AtomicInteger();
    ServerSocket peer = tricklingHeaders(trickled);
    LoopbackBackend healthy = backend("healthy");
    try (Mesh mesh = Mesh.builder().random(RandomSource.seeded(3)).registry(new ServiceRegistry().register("web", 8080,
        dev.mesh4j.api.endpoint.Endpoint.of("127.0.0.1", peer.getLocalPort()), healthy.endpoint()))
        .configYaml(config("retries: {attempts: 2, perTryTimeout: 300ms, retryOn: 5xx}",
            "loadBalancer: {simple: ROUND_ROBIN}")).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh);
      for (int i = 0; i < 4; i++) {
        long start = System.nanoTime();
        HttpResponse<String> r = get(client);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("healthy");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
      }
      assertThat(trickled.get()).as("the trickling peer was tried").isPositive();
    }
  }

  @Test
  void theApplicationsOwnShorterTimeoutReachesItAsTheJdksTimeout() throws Exception {
    LoopbackBackend hanging = backend("hanging").answer(r -> {
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Answer.of(200, "late");
    });
    try (Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("web", 8080, hanging.endpoint()))
        .configYaml(config("timeout: 10s", "loadBalancer: {simple: ROUND_ROBIN}")).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh);
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("http://web:8080/"))
          .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(HttpTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(5000));
    }
  }

  @Test
  void aMirrorGetsACopyWithTheLogicalHostAndItsAnswerIsIgnored() throws Exception {
    LoopbackBackend web = backend("web");
    LoopbackBackend shadow = backend("shadow").answer(r -> Answer.of(500, "ignored"));
    try (Mesh mesh = Mesh.builder()
        .registry(new ServiceRegistry().register("web", 8080, web.endpoint())
            .register("shadow", 8080, shadow.endpoint()))
        .configYaml(config("mirror: {host: shadow, port: {number: 8080}}", "loadBalancer: {simple: ROUND_ROBIN}"))
        .build()) {
      HttpResponse<String> r = get(MeshJdkHttp.newClient(mesh));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("web");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (shadow.requestCount() == 0 && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      assertThat(shadow.requestCount()).isEqualTo(1);
      // Istio 1.22+ keeps the host of a mirrored copy (no -shadow suffix unless the mesh asks for it).
      assertThat(shadow.last().header("host")).isEqualTo("web:8080");
    }
  }
}
