package dev.mesh4j.samples.bookinfo;

import static dev.mesh4j.samples.bookinfo.Bookinfo.REVIEWS;
import static dev.mesh4j.samples.bookinfo.Bookinfo.get;
import static dev.mesh4j.samples.bookinfo.Bookinfo.indent;
import static dev.mesh4j.samples.bookinfo.Bookinfo.scene;
import static dev.mesh4j.samples.bookinfo.Bookinfo.table;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.OkHttpClient;

/** Istio's traffic-management tasks: canaries, header and query routing, egress, sticky sessions. */
final class TrafficScenes {
  private TrafficScenes() {}

  static void run(Bookinfo b) throws IOException {
    scene("1. All traffic to v1 (virtual-service-all-v1.yaml)");
    table(b.run(i -> get(REVIEWS)));

    scene("2. Canary: 10% v1, 10% v2, 80% v3 (virtual-service-reviews-canary-10-10-80.yaml)");
    b.switchTo("virtual-service-all-v1.yaml", "virtual-service-reviews-canary-10-10-80.yaml");
    table(b.run(i -> get(REVIEWS)));

    scene("2b. The same canary built in Java, with jason pinned to v2 (CanaryInJava.java)");
    try (Mesh inJava = Mesh.builder().config(CanaryInJava.canary()).registry(b.registry)
        .workloadLabel("app", "productpage").build()) {
      OkHttpClient client = MeshOkHttp.newClient(inJava);
      System.out.println("   as anyone else:");
      table(Bookinfo.run(client, i -> get(REVIEWS), Bookinfo.REQUESTS));
      System.out.println("   as jason:");
      table(Bookinfo.run(client, i -> get(REVIEWS).header("end-user", "jason"), 20));
    }

    scene("3. end-user: jason goes to v2, everyone else to v1 (virtual-service-reviews-test-v2.yaml)");
    b.switchTo("virtual-service-reviews-canary-10-10-80.yaml", "virtual-service-reviews-test-v2.yaml");
    System.out.println("   as jason:");
    table(b.run(i -> get(REVIEWS).header("end-user", "jason")));
    System.out.println("   as anyone else:");
    table(b.run(i -> get(REVIEWS).header("end-user", "user-" + i)));
    System.out.println();
    System.out.println(indent(b.mesh.explain(MeshRequest.builder(REVIEWS).header("end-user", "jason").build()).toString()));

    scene("4. ?test-v2=true goes to v2 (virtual-service-reviews-query-v2.yaml)");
    b.switchTo("virtual-service-reviews-test-v2.yaml", "virtual-service-reviews-query-v2.yaml");
    System.out.println("   with ?test-v2=true:");
    table(b.run(i -> get(REVIEWS + "?test-v2=true")));
    System.out.println("   without:");
    table(b.run(i -> get(REVIEWS)));

    String outside = "http://httpbin.org:" + b.external.port() + "/get";
    scene("5. A host that is not a service: " + outside);
    System.out.println("   outbound policy ALLOW_ANY (Istio's default): passed through");
    table(b.run(i -> get(outside), 20));
    b.copy("sidecar-registry-only.yaml");
    b.mesh.reload();
    int before = b.external.requests();
    System.out.println("   Sidecar outboundTrafficPolicy REGISTRY_ONLY: blocked");
    table(b.run(i -> get(outside), 20));
    System.out.println("   requests that reached httpbin.org under REGISTRY_ONLY: " + (b.external.requests() - before));
    System.out.println("   reviews still works: " + b.run(i -> get(REVIEWS)).keySet());

    scene("6. Sticky sessions: reviews balanced by a hash of end-user (destination-rule-reviews-sticky.yaml)");
    b.remove("sidecar-registry-only.yaml");
    b.switchTo("virtual-service-reviews-query-v2.yaml", "destination-rule-reviews-sticky.yaml");
    List<String> users = List.of("alice", "bob", "carol", "dave", "erin");
    Map<String, String> pinnedBefore = pinned(b, users);
    Pod v4 = b.addPod("reviews", "v4");
    b.registry.register("reviews", 9080, b.pod("reviews-v1").endpoint(), b.pod("reviews-v2").endpoint(),
        b.pod("reviews-v3").endpoint(), v4.endpoint());
    System.out.println("   a fourth pod joins: reviews-v4");
    Map<String, String> pinnedAfter = pinned(b, users);
    System.out.printf(Locale.ROOT, "   %-8s %-12s %-12s%n", "user", "3 pods", "4 pods");
    int moved = 0;
    for (String user : users) {
      boolean changed = !pinnedBefore.get(user).equals(pinnedAfter.get(user));
      moved += changed ? 1 : 0;
      System.out.printf(Locale.ROOT, "   %-8s %-12s %-12s%s%n", user, pinnedBefore.get(user), pinnedAfter.get(user),
          changed ? "  moved" : "");
    }
    System.out.println("   users that moved: " + moved + " of " + users.size()
        + " (with Envoy's ring hash about 35% of users move when a 4th pod joins 3;"
        + " Maglev moves about 1/(n+1), 25%)");
    b.registry.register("reviews", 9080, b.pod("reviews-v1").endpoint(), b.pod("reviews-v2").endpoint(),
        b.pod("reviews-v3").endpoint());
    b.remove("destination-rule-reviews-sticky.yaml");
    b.mesh.reload();

    scene("7. Telemetry: productpage handles end-user: jason with a B3 trace and calls reviews, copying no header");
    b.copy("virtual-service-reviews-test-v2.yaml");
    b.mesh.reload();
    TelemetryScene.run(b.config, b.registry, b.pod("reviews-v2"), b.pod("details-v1"));
    b.remove("virtual-service-reviews-test-v2.yaml");
    b.mesh.reload();
  }

  /**
   * Sends 20 requests per user and returns the pod each user landed on; a user spread over
   * several pods would show them all, which sticky sessions must never do.
   */
  private static Map<String, String> pinned(Bookinfo b, List<String> users) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String user : users) {
      Map<String, Integer> counts = b.run(i -> get(REVIEWS).header("end-user", user), 20);
      out.put(user, String.join("+", counts.keySet()));
    }
    return out;
  }
}
