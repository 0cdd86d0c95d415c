package dev.mesh4j.samples.istiod;

import com.google.protobuf.Message;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.istiod.IstiodSource;
import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.istiod.testing.TestIstiod;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Istio's bookinfo traffic tasks with istiod as the control plane: an xDS server in this process
 * (java-control-plane's, answering as istiod does) pushes what istiod's gRPC generator makes of
 * each task's manifests, and productpage's OkHttp client — meshed by an {@link IstiodSource} over
 * ADS — follows each push live. Loopback servers play the pods. No network, no cluster.
 */
public final class IstiodBookinfoDemo {
  private static final String ALL = "bookinfo/destination-rule-all.yaml";

  private IstiodBookinfoDemo() {}

  public static void main(String[] args) throws Exception {
    try (BookinfoPods pods = new BookinfoPods(); TestIstiod istiod = TestIstiod.start()) {
      banner("mesh4j + istiod over xDS: productpage's client reads what istiod pushes to proxyless gRPC clients");
      ManagedChannel channel = istiod.channel();
      push(istiod, pods, ALL, "bookinfo/virtual-service-all-v1.yaml");
      try (Mesh mesh = Mesh.builder().namespace("default").workloadName("productpage-v1")
          .workloadLabel("app", "productpage").workloadLabel("version", "v1")
          .source(IstiodSource.builder(channel).build()).build()) {
        OkHttpClient client = MeshOkHttp.newClient(mesh);
        System.out.println("Synced: " + status(mesh));

        scene("1. Request routing: virtual-service-all-v1.yaml");
        shares(client, "reviews", null);

        scene("2. Routing by user: virtual-service-reviews-test-v2.yaml");
        push(istiod, pods, ALL, "bookinfo/virtual-service-reviews-test-v2.yaml");
        awaitAnswer(client, "reviews", "jason", "reviews-v2");
        shares(client, "reviews", "jason");
        shares(client, "reviews", null);

        scene("3. Traffic shifting under load: 80/20, then all to v3 (a subset not subscribed yet)");
        try (Traffic traffic = new Traffic(client)) {
          push(istiod, pods, ALL, "bookinfo/virtual-service-reviews-80-20.yaml");
          awaitAnswer(client, "reviews", null, "reviews-v2");
          shares(client, "reviews", null);
          push(istiod, pods, ALL, "bookinfo/virtual-service-reviews-v3.yaml");
          awaitAnswer(client, "reviews", null, "reviews-v3");
          shares(client, "reviews", null);
          System.out.println("   requests during the shifts: " + traffic.total() + ", failed: " + traffic.failed());
        }

        scene("4. Fault injection: virtual-service-ratings-test-abort.yaml");
        push(istiod, pods, ALL, "bookinfo/virtual-service-reviews-v3.yaml", "bookinfo/virtual-service-ratings-test-abort.yaml");
        awaitAnswer(client, "ratings", "jason", "500");
        shares(client, "ratings", "jason");
        shares(client, "ratings", null);

        scene("5. istiod goes away, then comes back with 50/50 v1/v3");
        try (Traffic traffic = new Traffic(client)) {
          istiod.down();
          awaitState(mesh, SourceStatus.State.STALE);
          System.out.println("   " + status(mesh));
          shares(client, "reviews", null);
          push(istiod, pods, ALL, "bookinfo/virtual-service-reviews-50-v3.yaml");
          istiod.up();
          awaitAnswer(client, "reviews", null, "reviews-v1");
          awaitState(mesh, SourceStatus.State.SYNCED);
          System.out.println("   " + status(mesh));
          shares(client, "reviews", null);
          System.out.println("   requests while istiod was away and back: " + traffic.total() + ", failed: "
              + traffic.failed());
        }

        scene("6. A route mesh4j cannot apply is NACKed; the rest of the push applies");
        GrpcGen.Resources next = generate(pods, ALL, "bookinfo/virtual-service-reviews-50-v3.yaml",
            "bookinfo/virtual-service-details-v2.yaml");
        String reviews = "outbound|9080||reviews.default.svc.cluster.local";
        Map<String, Message> routes = new LinkedHashMap<>(next.routes());
        RouteConfiguration rc = next.routes().get(reviews);
        routes.put(reviews, rc.toBuilder().setVirtualHosts(0, rc.getVirtualHosts(0).toBuilder().setRoutes(0,
            rc.getVirtualHosts(0).getRoutes(0).toBuilder().setRoute(RouteAction.newBuilder().setClusterHeader("x-cluster"))))
            .build());
        istiod.push(TestIstiod.CDS, next.clusters());
        istiod.push(TestIstiod.EDS, next.endpoints());
        istiod.push(TestIstiod.RDS, routes);
        awaitAnswer(client, "details", null, "details-v2");
        // The NACK is sent once the rest of the response is applied: it may reach istiod a moment later.
        for (long deadline = System.nanoTime() + 10_000_000_000L; istiod.nacks().isEmpty()
            && System.nanoTime() < deadline; ) {
          Thread.onSpinWait();
        }
        System.out.println("   istiod received a NACK: " + istiod.nacks().get(istiod.nacks().size() - 1)
            .getErrorDetail().getMessage());
        shares(client, "reviews", null);
        shares(client, "details", null);
        System.out.println();
        System.out.println("ADS: " + istiod.responses() + " responses, " + istiod.responseBytes() + " bytes in all.");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  static GrpcGen.Resources generate(BookinfoPods pods, String... files) {
    return new GrpcGen(BookinfoPods.config(List.of(files)), pods.services, "default", Map.of("app", "productpage"))
        .generate();
  }

  static void push(TestIstiod istiod, BookinfoPods pods, String... files) {
    istiod.push(generate(pods, files));
    System.out.println("   istiod pushes " + String.join(" + ", files));
  }

  static void shares(OkHttpClient client, String app, String user) {
    Map<String, Integer> counts = new TreeMap<>();
    int n = 100;
    for (int i = 0; i < n; i++) {
      counts.merge(get(client, app, user), 1, Integer::sum);
    }
    StringBuilder sb = new StringBuilder("   " + app + (user == null ? "" : " as " + user) + ": ");
    counts.forEach((k, v) -> sb.append(k).append(' ').append(v * 100 / n).append("%  "));
    System.out.println(sb.toString().stripTrailing());
  }

  static String get(OkHttpClient client, String app, String user) {
    Request.Builder r = new Request.Builder().url("http://" + app + ":9080/" + app + "/0");
    if (user != null) {
      r.header("end-user", user);
    }
    try (Response response = client.newCall(r.build()).execute()) {
      String backend = response.header("x-backend");
      return backend != null ? backend : Integer.toString(response.code());
    } catch (IOException e) {
      return "failed";
    }
  }

  static void awaitAnswer(OkHttpClient client, String app, String user, String answer) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!get(client, app, user).equals(answer)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(app + " never answered " + answer);
      }
      Thread.sleep(10);
    }
  }

  static void awaitState(Mesh mesh, SourceStatus.State state) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (status(mesh).state() != state) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the istiod source never became " + state);
      }
      Thread.sleep(10);
    }
  }

  static SourceStatus status(Mesh mesh) {
    return mesh.sources().stream().filter(s -> s.source().startsWith("istiod")).findFirst().orElseThrow();
  }

  static void scene(String title) {
    System.out.println();
    System.out.println(title);
  }

  static void banner(String text) {
    System.out.println("=".repeat(text.length()));
    System.out.println(text);
    System.out.println("=".repeat(text.length()));
  }

  /** Requests to reviews on a thread of its own (bounded), counting failures. */
  static final class Traffic implements AutoCloseable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger total = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final List<Thread> threads = new ArrayList<>();

    Traffic(OkHttpClient client) {
      Thread t = new Thread(() -> {
        for (int i = 0; i < 1_000_000 && running.get(); i++) {
          String a = get(client, "reviews", null);
          total.incrementAndGet();
          if (!a.startsWith("reviews-")) {
            failed.incrementAndGet();
          }
        }
      }, "traffic");
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }

    int total() {
      return total.get();
    }

    int failed() {
      return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(10_000);
      }
    }
  }
}
