package dev.mesh4j.samples.bookinfo;

import dev.mesh4j.console.MeshConsole;
import java.time.Duration;

/**
 * Istio's bookinfo traffic-management and resilience tasks, run in one process: loopback
 * servers play the pods, the productpage's OkHttp client carries the mesh, and each scene is
 * applied by rewriting the manifest folder and calling {@code mesh.reload()}.
 *
 * <p>With {@code -Dmesh.console=true} it also serves the mesh4j console (on
 * {@code -Dmesh.console.port}, any free port by default), prints its address, and keeps serving
 * it for a minute after the scenes: {@code ./mvnw -q -Pdemo -DskipTests package -Dmesh.console=true}.
 */
public final class BookinfoDemo {
  /** How long the console keeps serving after the last scene. */
  static final Duration CONSOLE_LINGER = Duration.ofMinutes(1);

  private BookinfoDemo() {}

  public static void main(String[] args) throws Exception {
    boolean console = Boolean.getBoolean("mesh.console");
    try (Bookinfo bookinfo = new Bookinfo();
        MeshConsole.Server server = console ? startConsole(bookinfo) : null) {
      Bookinfo.banner("mesh4j bookinfo demo: productpage calls its services through an in-process mesh");
      System.out.println("Pods: " + bookinfo.pods.values().stream().map(p -> p.name() + "@127.0.0.1:" + p.port()).toList());
      if (server != null) {
        System.out.println("Console: " + server.uri() + "  (live while the scenes run)");
      }
      TrafficScenes.run(bookinfo);
      ResilienceScenes.run(bookinfo);
      Bookinfo.scene("12. Istio's mutual TLS: reviews-v1 behind a STRICT sidecar; productpage without, then with,"
          + " a workload identity");
      MutualTlsScene.run(bookinfo.pod("reviews-v1"));
      if (server != null) {
        System.out.println();
        System.out.println("Console: " + server.uri() + "  (serving for " + CONSOLE_LINGER.toSeconds()
            + " s more; Ctrl-C stops it)");
        Thread.sleep(CONSOLE_LINGER.toMillis());
      }
    }
  }

  /** The console on loopback, on {@code -Dmesh.console.port} (0, any free port, by default). */
  static MeshConsole.Server startConsole(Bookinfo bookinfo) {
    return MeshConsole.start(bookinfo.mesh, Integer.getInteger("mesh.console.port", 0));
  }
}
