package dev.mesh4j.samples.kubernetes;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * productpage's traffic to reviews, on a thread of its own for the whole demo: every other
 * request as {@code end-user: jason}. {@link #window} reports the shares since the last call.
 */
final class Traffic implements AutoCloseable {
  private static final String REVIEWS = "http://reviews:9080/reviews/1";

  private final OkHttpClient client;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<String, Integer> anyone = new TreeMap<>();
  private final Map<String, Integer> jason = new TreeMap<>();
  private final AtomicLong total = new AtomicLong();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private int failedBefore;

  Traffic(OkHttpClient client) {
    this.client = client;
    this.thread = new Thread(this::loop, "productpage");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    long i = 0;
    while (running.get()) {
      boolean asJason = (i++ & 1) == 1;
      Request.Builder r = new Request.Builder().url(REVIEWS);
      if (asJason) {
        r.header("end-user", "jason");
      }
      try (Response response = client.newCall(r.build()).execute()) {
        String body = response.body().string();
        if (response.code() != 200) {
          failures.add(response.code() + " " + response.header("x-mesh4j-flags") + " " + body);
        } else {
          synchronized (this) {
            (asJason ? jason : anyone).merge(body, 1, Integer::sum);
          }
        }
      } catch (IOException e) {
        failures.add(e.toString());
      }
      total.incrementAndGet();
    }
  }

  /** The shares since the last window, for everyone and for jason, and then clears them. */
  synchronized String window(boolean showJason) {
    int failed = failures.size();
    String line = shares("anyone", anyone) + (showJason ? "   |   " + shares("jason", jason) : "")
        + "   failed: " + (failed - failedBefore);
    failedBefore = failed;
    anyone.clear();
    jason.clear();
    return line;
  }

  private static String shares(String who, Map<String, Integer> counts) {
    int n = counts.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder sb = new StringBuilder(who).append(':');
    if (n == 0) {
      return sb.append("  no responses").toString();
    }
    for (String pod : List.of("reviews-v1", "reviews-v2", "reviews-v3")) {
      int c = counts.getOrDefault(pod, 0);
      sb.append(String.format(Locale.ROOT, "  %s %3.0f%%", pod.substring("reviews-".length()), 100.0 * c / n));
    }
    return sb.toString();
  }

  long total() {
    return total.get();
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(5_000);
  }
}
