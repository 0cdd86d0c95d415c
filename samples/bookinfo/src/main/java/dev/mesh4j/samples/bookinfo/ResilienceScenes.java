package dev.mesh4j.samples.bookinfo;

import static dev.mesh4j.samples.bookinfo.Bookinfo.RATINGS;
import static dev.mesh4j.samples.bookinfo.Bookinfo.REVIEWS;
import static dev.mesh4j.samples.bookinfo.Bookinfo.get;
import static dev.mesh4j.samples.bookinfo.Bookinfo.scene;
import static dev.mesh4j.samples.bookinfo.Bookinfo.table;

import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/** Chaos testing and resilience: injected delay and aborts, outlier ejection, overload shedding. */
final class ResilienceScenes {
  private ResilienceScenes() {}

  static void run(Bookinfo b) throws Exception {
    delay(b);
    abort(b);
    ejection(b);
    overload(b);
  }

  private static void delay(Bookinfo b) throws IOException {
    scene("8. A 7 s delay for jason, against productpage's 2 s client timeout (virtual-service-ratings-test-delay.yaml)");
    b.switchTo("virtual-service-all-v1.yaml", "virtual-service-ratings-test-delay.yaml");
    OkHttpClient impatient = b.client.newBuilder().callTimeout(Duration.ofSeconds(2)).build();
    int before = b.pod("ratings-v1").requests();
    long start = System.nanoTime();
    String outcome;
    try (Response r = impatient.newCall(get(RATINGS).header("end-user", "jason").build()).execute()) {
      outcome = "answered " + r.code();
    } catch (InterruptedIOException e) {
      outcome = "timed out (" + e.getMessage() + ")";
    }
    System.out.printf(Locale.ROOT, "   jason: %s after %.1f s; ratings received %d of jason's requests%n", outcome,
        (System.nanoTime() - start) / 1e9, b.pod("ratings-v1").requests() - before);
    start = System.nanoTime();
    Map<String, Integer> others = Bookinfo.run(impatient, i -> get(RATINGS).header("end-user", "user-" + i), 20);
    System.out.printf(Locale.ROOT, "   everyone else: %s in %.0f ms for 20 requests%n", others,
        (System.nanoTime() - start) / 1e6);
  }

  private static void abort(Bookinfo b) throws IOException {
    scene("9. Half of the calls to ratings aborted with 500 (virtual-service-ratings-abort-50.yaml)");
    b.switchTo("virtual-service-ratings-test-delay.yaml", "virtual-service-ratings-abort-50.yaml");
    int before = b.pod("ratings-v1").requests();
    table(b.run(i -> get(RATINGS)));
    System.out.println("   requests that reached ratings-v1: " + (b.pod("ratings-v1").requests() - before)
        + " (aborted ones never leave the process)");
    b.remove("virtual-service-ratings-abort-50.yaml");
    b.mesh.reload();
  }

  private static void ejection(Bookinfo b) throws Exception {
    scene("10. reviews-v2 turns bad and is ejected, then returns, for longer each relapse"
        + " (destination-rule-reviews-outlier.yaml)");
    b.copy("destination-rule-reviews-outlier.yaml");
    b.mesh.reload();
    Pod bad = b.pod("reviews-v2");
    bad.failWith(500);
    System.out.printf(Locale.ROOT, "   %6s  %-10s %-10s %-10s %6s  %s%n", "time", "reviews-v1", "reviews-v2",
        "reviews-v3", "errors", "outlier detection");
    long start = System.nanoTime();
    for (int round = 0; round < 12; round++) {
      Map<String, Integer> counts = b.run(i -> get(REVIEWS), 15);
      int errors = counts.entrySet().stream().filter(e -> e.getKey().startsWith("500")).mapToInt(Map.Entry::getValue).sum();
      String note = ejectionNote(b);
      System.out.printf(Locale.ROOT, "   %5.2fs  %-10d %-10d %-10d %6d  %s%n", (System.nanoTime() - start) / 1e9,
          counts.getOrDefault("reviews-v1", 0), errors, counts.getOrDefault("reviews-v3", 0),
          errors, note);
      Thread.sleep(250);
    }
    bad.failWith(0);
    System.out.println("   (errors are reviews-v2's 500s: Istio's default retry policy does not retry a 500)");
    b.remove("destination-rule-reviews-outlier.yaml");
    b.mesh.reload();
  }

  private static String ejectionNote(Bookinfo b) {
    Explanation e = b.mesh.explain(MeshRequest.builder(REVIEWS).build());
    for (String note : e.notes()) {
      if (note.contains("is ejected")) {
        return note.replace("127.0.0.1:" + b.pod("reviews-v2").port(), "reviews-v2");
      }
    }
    return "";
  }

  private static void overload(Bookinfo b) throws Exception {
    scene("11. A burst of 12 calls to a slow ratings pod, 2 in flight and 2 waiting allowed"
        + " (destination-rule-ratings-pool.yaml)");
    b.copy("destination-rule-ratings-pool.yaml");
    b.mesh.reload();
    Pod ratings = b.pod("ratings-v1");
    ratings.slowBy(300);
    ExecutorService burst = Executors.newFixedThreadPool(12);
    try {
      List<CompletableFuture<String>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> {
          long start = System.nanoTime();
          String answer = Bookinfo.answer(b.client, get(RATINGS));
          return answer + String.format(Locale.ROOT, "|%d", (System.nanoTime() - start) / 1_000_000);
        }, burst));
      }
      Map<String, List<Long>> byAnswer = new TreeMap<>();
      for (CompletableFuture<String> c : calls) {
        String[] parts = c.get().split("\\|");
        byAnswer.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Long.parseLong(parts[1]));
      }
      System.out.printf(Locale.ROOT, "   %-28s %8s  %s%n", "answered by", "requests", "latency (ms)");
      byAnswer.forEach((answer, latencies) -> System.out.printf(Locale.ROOT, "   %-28s %8d  %s%n",
          answer.startsWith("503 UO") ? "503 UO (shed)" : answer, latencies.size(), latencies.stream().sorted().toList()));
      System.out.println("   shed calls fail at once instead of queueing behind the slow pod");
    } finally {
      burst.shutdownNow();
      ratings.slowBy(0);
    }
  }
}
