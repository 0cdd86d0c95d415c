package dev.mesh4j.samples.bookinfo;

/**
 * Istio's bookinfo traffic-management and resilience tasks, run in one process: loopback
 * servers play the pods, the productpage's OkHttp client carries the mesh, and each scene is
 * applied by rewriting the manifest folder and calling {@code mesh.reload()}.
 */
public final class BookinfoDemo {
  private BookinfoDemo() {}

  public static void main(String[] args) throws Exception {
    try (Bookinfo bookinfo = new Bookinfo()) {
      Bookinfo.banner("mesh4j bookinfo demo: productpage calls its services through an in-process mesh");
      System.out.println("Pods: " + bookinfo.pods.values().stream().map(p -> p.name() + "@127.0.0.1:" + p.port()).toList());
      TrafficScenes.run(bookinfo);
      ResilienceScenes.run(bookinfo);
      Bookinfo.scene("12. Istio's mutual TLS: reviews-v1 behind a STRICT sidecar; productpage without, then with,"
          + " a workload identity");
      MutualTlsScene.run(bookinfo.pod("reviews-v1"));
    }
  }
}
