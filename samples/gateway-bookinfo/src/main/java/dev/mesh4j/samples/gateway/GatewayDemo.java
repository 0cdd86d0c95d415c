package dev.mesh4j.samples.gateway;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.http.MeshRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The productpage canary from a browser: an edge acting as {@code bookinfo-gateway} routes
 * {@code /productpage} to v1 (90%) and v2 (10%). Prints the address to open, then sends its own
 * requests through the edge for a bounded time ({@code -Dgateway.demo.seconds}, default 30) and
 * prints the shares each version answered — browser requests included — as they go.
 * {@code -Dgateway.port} chooses the edge's port (default 0: a free one).
 */
public final class GatewayDemo {
  private GatewayDemo() {}

  public static void main(String[] args) throws Exception {
    long seconds = Long.getLong("gateway.demo.seconds", 30);
    int port = Integer.getInteger("gateway.port", 0);
    try (GatewayBookinfo bookinfo = GatewayBookinfo.start(GatewayBookinfo.config(), RandomSource.threadLocal(), port)) {
      String url = bookinfo.edge().uri() + "/productpage";
      System.out.println("=== mesh4j as bookinfo-gateway: Istio's bookinfo-gateway.yaml, productpage canary v1 90% / v2 10%");
      System.out.println();
      System.out.println("Open in a browser:  " + url);
      System.out.println("(reload it: about 1 page in 10 comes from productpage v2)");
      System.out.println();
      System.out.println("What the gateway does with a browser's GET /productpage (mesh.explain):");
      System.out.println(bookinfo.mesh().explain(MeshRequest.builder("http://bookinfo.example.com/productpage").build())
          .toString().indent(2));
      // The internet's side: a plain client, not meshed.
      OkHttpClient internet = new OkHttpClient.Builder().followRedirects(false).build();
      try (Response r = internet.newCall(new Request.Builder().url(bookinfo.edge().uri() + "/health").build())
          .execute()) {
        System.out.println("GET /health through the gateway: " + r.code() + " " + r.header("x-mesh4j-flags", "")
            + " (not a path bookinfo-gateway routes)");
      }
      System.out.println();
      System.out.printf(Locale.ROOT, "Sending GET %s for %d s; shares of all requests (yours included):%n", url, seconds);
      long v1Before = bookinfo.v1().requests();
      long v2Before = bookinfo.v2().requests();
      long own = 0;
      long failed = 0;
      long start = System.nanoTime();
      long end = start + Duration.ofSeconds(seconds).toNanos();
      long nextReport = start + Duration.ofSeconds(2).toNanos();
      Request page = new Request.Builder().url(url).build();
      while (System.nanoTime() < end) {
        try (Response r = internet.newCall(page).execute()) {
          r.body().string();
          own++;
          if (r.code() != 200) {
            failed++;
          }
        } catch (IOException e) {
          failed++;
        }
        Thread.sleep(20);
        if (System.nanoTime() >= nextReport || System.nanoTime() >= end) {
          long v1 = bookinfo.v1().requests() - v1Before;
          long v2 = bookinfo.v2().requests() - v2Before;
          long total = Math.max(1, v1 + v2);
          System.out.printf(Locale.ROOT, "  %3ds  %5d requests (%d from the browser)  productpage v1 %5.1f%%  v2 %5.1f%%"
                  + "  failed: %d%n", Duration.ofNanos(System.nanoTime() - start).toSeconds(), v1 + v2,
              Math.max(0, v1 + v2 - own), 100.0 * v1 / total, 100.0 * v2 / total, failed);
          nextReport += Duration.ofSeconds(2).toNanos();
        }
      }
      System.out.println("Done: the edge is closed.");
    }
  }
}
