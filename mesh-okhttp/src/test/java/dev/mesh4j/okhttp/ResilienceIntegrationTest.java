package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.Binomial;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries, outlier detection, pool limits and faults over real loopback HTTP. */
class ResilienceIntegrationTest {
  final List<LoopbackBackend> backends = new ArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);
  final List<Runnable> closeAfter = new ArrayList<>();

  @AfterEach
  void stop() {
    release.countDown();
    closeAfter.forEach(Runnable::run);
    backends.forEach(LoopbackBackend::close);
  }

  LoopbackBackend backend(String name) {
    LoopbackBackend b = LoopbackBackend.start(name);
    backends.add(b);
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

  static int status(OkHttpClient client) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url("http://web:8080/").build()).execute()) {
      r.body().string();
      return r.code();
    }
  }

  @Test
  void a5xxIsRetriedOnTheOtherEndpoint() throws IOException {
    LoopbackBackend bad = backend("bad").answer(r -> Answer.of(500, "boom"));
    LoopbackBackend good = backend("good");
    try (Mesh mesh = Mesh.builder().random(RandomSource.seeded(2))
        .registry(new ServiceRegistry().register("web", 8080, bad.endpoint(), good.endpoint()))
        .configYaml(config("retries: {attempts: 2, retryOn: 5xx}", "loadBalancer: {simple: ROUND_ROBIN}")).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      for (int i = 0; i < 40; i++) {
        assertThat(status(client)).isEqualTo(200);
      }
      assertThat(good.requestCount()).isEqualTo(40);
      // A retry takes the next round-robin slot too, so first tries keep landing on the bad pod.
      assertThat(bad.requestCount()).isBetween(1, 40);
      assertThat(bad.requests()).allSatisfy(r -> assertThat(r.header("x-envoy-attempt-count")).isEqualTo("1"));
    }
  }

  @Test
  void aFailingEndpointIsEjectedAtOnceAndReturnsAfterTheEjectionTime() throws IOException {
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
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      int errors = 0;
      for (int i = 0; i < 30; i++) {
        errors += status(client) == 500 ? 1 : 0;
      }
      clock.runDue();
      assertThat(errors).as("ejected at the third consecutive 5xx").isEqualTo(3);
      assertThat(bad.requestCount()).isEqualTo(3);
      for (int i = 0; i < 30; i++) {
        assertThat(status(client)).isEqualTo(200);
      }
      assertThat(bad.requestCount()).as("no traffic while ejected").isEqualTo(3);
      clock.advance(Duration.ofSeconds(29));
      status(client);
      status(client);
      status(client);
      assertThat(bad.requestCount()).as("still ejected before 30s").isEqualTo(3);
      clock.advance(Duration.ofSeconds(11));
      for (int i = 0; i < 6; i++) {
        status(client);
      }
      assertThat(bad.requestCount()).as("back after the sweep past 30s").isGreaterThan(3);
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
        .configYaml(config("", "connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}")).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      // Own threads: the common pool may have a single thread on a small machine.
      java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
      closeAfter.add(callers::shutdownNow);
      CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> call(client), callers);
      assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Integer> queued = CompletableFuture.supplyAsync(() -> call(client), callers);
      // explain() shows the pool; wait (bounded) until the second request waits for the connection.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!poolLine(mesh).contains("1 waiting") && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      assertThat(poolLine(mesh)).contains("1 active, 1 waiting");
      try (Response r = client.newCall(new Request.Builder().url("http://web:8080/").build()).execute()) {
        // The backend still holds the first request: this answer did not wait for it.
        assertThat(release.getCount()).isEqualTo(1);
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.header("x-mesh4j-flags")).isEqualTo("UO");
        assertThat(r.header("x-envoy-overloaded")).isEqualTo("true");
        assertThat(r.body().string()).isEqualTo(
            "upstream connect error or disconnect/reset before headers. reset reason: overflow");
      }
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(200);
      assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    }
  }

  static String poolLine(Mesh mesh) {
    return mesh.explain(dev.mesh4j.core.http.MeshRequest.builder("http://web:8080/").build()).policies().stream()
        .filter(p -> p.name().equals("connectionPool")).map(p -> p.value()).findFirst().orElse("");
  }

  static int call(OkHttpClient client) {
    try {
      return status(client);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void halfOfTheRequestsAreAbortedWithinBinomialTolerance() throws IOException {
    LoopbackBackend web = backend("web");
    try (Mesh mesh = Mesh.builder().random(RandomSource.seeded(9))
        .registry(new ServiceRegistry().register("web", 8080, web.endpoint()))
        .configYaml(config("fault: {abort: {httpStatus: 503, percentage: {value: 50}}}",
            "loadBalancer: {simple: ROUND_ROBIN}")).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      int n = 600;
      int aborted = 0;
      for (int i = 0; i < n; i++) {
        aborted += status(client) == 503 ? 1 : 0;
      }
      assertThat(Binomial.plausible(aborted, n, 0.5)).as("%d of %d aborted", aborted, n).isTrue();
      assertThat(web.requestCount()).as("aborted requests never reach the endpoint").isEqualTo(n - aborted);
    }
  }
}
