package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * Three pods, one of which fails in turn with a 500, a dropped connection and a hang: retries
 * with a per-try timeout and outlier detection keep the service up. Bounded: 2,000 requests on
 * 4 threads, hangs released when the test ends.
 */
class ChaosIntegrationTest {
  static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(2);

  @Test
  void retriesAndEjectionKeepAtLeast999Of1000RequestsSucceeding() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger turn = new AtomicInteger();
    LoopbackBackend a = LoopbackBackend.start("a");
    LoopbackBackend b = LoopbackBackend.start("b");
    LoopbackBackend chaos = LoopbackBackend.start("chaos").answer(r -> switch (turn.getAndIncrement() % 3) {
      case 0 -> Answer.of(500, "boom");
      case 1 -> Answer.drop();
      default -> {
        try {
          release.await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        yield Answer.of(200, "too late");
      }
    });
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (a; b; chaos; Mesh mesh = Mesh.builder()
        .registry(new ServiceRegistry().register("web", 8080, a.endpoint(), b.endpoint(), chaos.endpoint()))
        .configYaml("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: web}
            spec:
              host: web
              trafficPolicy:
                outlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 60s, maxEjectionPercent: 50}
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web}
            spec:
              hosts: [web]
              http:
              - route: [{destination: {host: web}}]
                timeout: 2s
                retries: {attempts: 3, perTryTimeout: 150ms, retryOn: "5xx,reset,connect-failure"}
            """).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      AtomicInteger ok = new AtomicInteger();
      AtomicLong slowest = new AtomicLong();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(callers.submit(() -> {
          for (int i = 0; i < 500; i++) {
            long start = System.nanoTime();
            try (Response r = client.newCall(new Request.Builder().url("http://web:8080/").build()).execute()) {
              if (r.code() == 200 && !r.body().string().equals("too late")) {
                ok.incrementAndGet();
              }
            } catch (IOException e) {
              // counted as a failure
            }
            slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(ok.get()).as("successful requests of 2000").isGreaterThanOrEqualTo(1998);
      // No call outlives its route deadline by more than a scheduling margin.
      assertThat(Duration.ofNanos(slowest.get())).isLessThan(ROUTE_TIMEOUT.plusMillis(500));
      assertThat(chaos.requestCount()).as("the chaos pod is ejected early").isLessThan(50);
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }
}
