package dev.mesh4j.okhttp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code retryBudget} over real loopback HTTP: a backend answers each request's first attempt
 * with 503 and holds its retry, so retries stay in flight; requests that only add load are held
 * too. Each failing request is sent once the previous one has either reached the backend again
 * (retried) or come back with its 503 (refused), so the load every retry decision sees is known
 * and the outcome does not depend on thread timing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetryBudgetIntegrationTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
  /** One permit per request that reached the backend a second time (a retry). */
  private final Semaphore retried = new Semaphore(0);
  private final Semaphore loaded = new Semaphore(0);
  private final List<String> overflows = new CopyOnWriteArrayList<>();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    callers.shutdownNow();
    callers.awaitTermination(10, TimeUnit.SECONDS);
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    exchange.getRequestBody().readAllBytes();
    int n = seen.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    if (path.startsWith("/fail/") && n == 1) {
      respond(exchange, 503, "first attempt fails");
      return;
    }
    (path.startsWith("/fail/") ? retried : loaded).release();
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    respond(exchange, 200, "ok");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private Mesh mesh(String budget) {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web}
        spec:
          host: web
          trafficPolicy:
            connectionPool: {http: {maxRetries: 1}}
            retryBudget: %s
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [web]
          http:
          - route: [{destination: {host: web}}]
            retries: {attempts: 3, retryOn: 5xx}
        """.formatted(budget);
    return Mesh.builder()
        .registry(new ServiceRegistry().register("web", 8080,
            Endpoint.of(server.getAddress().getAddress().getHostAddress(), server.getAddress().getPort())))
        .listener(new MeshListener() {
          @Override
          public void overflow(MeshCall call, String cluster, String limit) {
            overflows.add(limit);
          }
        })
        .configYaml(yaml).build();
  }

  private Future<Integer> call(OkHttpClient client, String path) {
    return callers.submit(() -> {
      try (Response r = client.newCall(new Request.Builder().url("http://web:8080" + path).build()).execute()) {
        r.body().string();
        return r.code();
      }
    });
  }

  /**
   * Sends {@code failing} requests one after another while {@code load} requests are held, and
   * returns how many were retried; each is decided before the next is sent.
   */
  private int sendFailing(Mesh mesh, int load, int failing, List<Future<Integer>> refused,
      List<Future<Integer>> held) throws Exception {
    OkHttpClient client = MeshOkHttp.newClient(mesh);
    for (int i = 0; i < load; i++) {
      held.add(call(client, "/load/" + i));
    }
    assertThat(loaded.tryAcquire(load, 30, TimeUnit.SECONDS)).as("load in flight").isTrue();
    int retries = 0;
    for (int i = 0; i < failing; i++) {
      Future<Integer> f = call(client, "/fail/" + i);
      // Either the retry reaches the backend (and is held there) or the 503 comes back.
      while (true) {
        if (retried.tryAcquire(1, TimeUnit.MILLISECONDS)) {
          retries++;
          held.add(f);
          break;
        }
        if (f.isDone()) {
          refused.add(f);
          break;
        }
      }
    }
    return retries;
  }

  @Test
  void concurrentRetriesAreCappedAtTheBudgetsShareOfTheLoad() throws Exception {
    try (Mesh mesh = mesh("{percent: 20, minRetryConcurrency: 3}")) {
      List<Future<Integer>> refused = new ArrayList<>();
      List<Future<Integer>> held = new ArrayList<>();
      // 20 requests held: the k-th failing request decides with 20 + k requests in flight (its
      // own included, and each earlier retry), so 20% allows 4, 4, 4, 4, then 5 at 25.
      int retries = sendFailing(mesh, 20, 8, refused, held);
      assertThat(retries).as("20% of 25 requests in flight; maxRetries 1 is not applied").isEqualTo(5);
      assertThat(refused).hasSize(3);
      for (Future<Integer> f : refused) {
        assertThat(f.get()).as("the upstream's 503 is delivered, not retried").isEqualTo(503);
      }
      assertThat(overflows).containsExactly("retryBudget", "retryBudget", "retryBudget");
      assertThat(retryBudgetLine(mesh)).isEqualTo(
          "retryBudget 20% (min 3) (now 5 retrying, at most 5 for 25 requests in flight or waiting)");
      release.countDown();
      for (Future<Integer> f : held) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(200);
      }
    }
  }

  @Test
  void atLowLoadMinRetryConcurrencyRetriesAreAllowed() throws Exception {
    try (Mesh mesh = mesh("{percent: 20, minRetryConcurrency: 2}")) {
      List<Future<Integer>> refused = new ArrayList<>();
      List<Future<Integer>> held = new ArrayList<>();
      // No other load: 20% of 1..3 requests rounds down to 0, and the minimum, 2, applies.
      int retries = sendFailing(mesh, 0, 4, refused, held);
      assertThat(retries).isEqualTo(2);
      assertThat(refused).hasSize(2);
      assertThat(overflows).containsExactly("retryBudget", "retryBudget");
      release.countDown();
      for (Future<Integer> f : held) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(200);
      }
      for (Future<Integer> f : refused) {
        assertThat(f.get()).isEqualTo(503);
      }
      // Every request has ended: nothing is left counted.
      assertThat(retryBudgetLine(mesh)).isEqualTo(
          "retryBudget 20% (min 2) (now 0 retrying, at most 2 for 0 requests in flight or waiting)");
    }
  }

  private static String retryBudgetLine(Mesh mesh) {
    return mesh.explain(MeshRequest.builder("http://web:8080/").build()).policies().stream()
        .filter(p -> p.name().equals("retryBudget")).map(p -> p.value()).findFirst().orElse("");
  }
}
