package dev.mesh4j.samples.kubernetes;

import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.kubernetes.KubernetesSource;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Istio's bookinfo traffic tasks with Kubernetes as the control plane: an API server runs in this
 * process, the reviews pods are loopback servers behind a Service and its EndpointSlice, and the
 * demo changes routing the way a user would — {@code kubectl apply}, {@code edit}, {@code delete},
 * a pod scaled away, an API server restart — while productpage's meshed client sends traffic and
 * its shares are printed live. Nothing restarts the application.
 */
public final class KubernetesBookinfoDemo {
  private static final ResourceDefinitionContext VIRTUAL_SERVICES = new ResourceDefinitionContext.Builder()
      .withGroup("networking.istio.io").withVersion("v1").withKind("VirtualService").withPlural("virtualservices")
      .withNamespaced(true).build();

  private final PrintStream out;
  private final Duration scene;
  private final ApiServer api = new ApiServer();
  private final List<Pod> pods = new ArrayList<>();
  private int reviewsPort;

  private KubernetesBookinfoDemo(PrintStream out, Duration scene) {
    this.out = out;
    this.scene = scene;
  }

  public static void main(String[] args) throws Exception {
    run(System.out, Duration.ofSeconds(2));
  }

  /** Runs every scene, showing traffic for {@code scene} in each; returns the requests that failed. */
  static List<String> run(PrintStream out, Duration scene) throws Exception {
    KubernetesBookinfoDemo demo = new KubernetesBookinfoDemo(out, scene);
    try {
      return demo.scenes();
    } finally {
      demo.close();
    }
  }

  private List<String> scenes() throws Exception {
    banner("mesh4j bookinfo with Kubernetes as the control plane");
    out.println("API server: " + api.url() + " (in this process; Istio's networking CRDs installed)");
    reviewsPods();
    kubectl("apply -f destination-rule-all.yaml -f virtual-service-all-v1.yaml");
    api.apply("destination-rule-all.yaml");
    api.apply("virtual-service-all-v1.yaml");

    KubernetesClient client = api.newClient();
    KubernetesSource source = KubernetesSource.of(client);
    long start = System.nanoTime();
    try (Mesh mesh = Mesh.builder().namespace("default").workloadLabel("app", "productpage").source(source).build();
        Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh))) {
      out.printf("productpage's mesh is built from the API server in %d ms: source %s, %d watches%n",
          Duration.ofNanos(System.nanoTime() - start).toMillis(), state(mesh), source.watches());

      await(() -> traffic.total() > 10); // the first calls warm up the JVM's HTTP stack
      scene("1. All traffic to v1 (virtual-service-all-v1.yaml)");
      show(traffic, false);

      scene("2. Canary: 80% v1, 20% v2");
      kubectl("apply -f virtual-service-reviews-80-20.yaml");
      api.apply("virtual-service-reviews-80-20.yaml");
      show(traffic, false);

      scene("3. Shift further: 50% v1, 50% v2");
      kubectl("edit virtualservice reviews   # weights 80/20 -> 50/50");
      api.kubectl().genericKubernetesResources(VIRTUAL_SERVICES).inNamespace("default").withName("reviews")
          .edit(vs -> weights(vs, 50, 50));
      show(traffic, false);

      scene("4. jason goes to v2, everyone else to v3");
      kubectl("apply -f virtual-service-reviews-jason-v2-v3.yaml");
      api.apply("virtual-service-reviews-jason-v2-v3.yaml");
      show(traffic, true);

      scene("5. 50% v2, 50% v3");
      kubectl("apply -f virtual-service-reviews-v2-v3.yaml");
      api.apply("virtual-service-reviews-v2-v3.yaml");
      show(traffic, false);

      scene("6. No VirtualService for reviews: round robin over its pods");
      kubectl("delete virtualservice reviews");
      api.kubectl().genericKubernetesResources(VIRTUAL_SERVICES).inNamespace("default").withName("reviews").delete();
      show(traffic, false);

      scene("7. reviews-v3 scaled away: its endpoint turns terminating, then leaves the EndpointSlice");
      Pod v3 = pods.get(2);
      out.println("   EndpointSlice reviews: reviews-v3 terminating (ready=false)");
      api.put(reviewsSlice(List.of(pods.get(0), pods.get(1)), v3));
      await(() -> !mesh.describe().toString().contains(v3.ip() + ":"));
      int v3Before = v3.requests();
      show(traffic, false);
      v3.close();
      api.put(reviewsSlice(List.of(pods.get(0), pods.get(1)), null));
      out.println("   EndpointSlice reviews: reviews-v3 removed; its server stopped. Requests it got after it"
          + " turned terminating: " + (v3.requests() - v3Before));

      scene("8. An invalid VirtualService: skipped and reported, everything else keeps working");
      kubectl("apply -f ratings-bad-regex.yaml");
      api.put(api.kubectl().getKubernetesSerialization().unmarshal("""
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: ratings, namespace: default}
          spec:
            hosts: [ratings]
            http:
            - match:
              - uri: {regex: "/ratings/[0-9"}
              route:
              - destination: {host: ratings, subset: v1}
          """, GenericKubernetesResource.class));
      await(() -> !mesh.describe().rejected().isEmpty());
      mesh.describe().rejected().forEach(r -> out.println("   rejected: " + r));
      show(traffic, false);

      scene("9. The API server restarts under traffic");
      long before = traffic.total();
      api.stop();
      out.println("   API server gone: connections and watches drop");
      await(() -> state(mesh) == SourceStatus.State.STALE);
      out.println("   source " + state(mesh) + ": the last state keeps serving");
      show(traffic, false);
      api.restart();
      out.println("   API server back");
      await(() -> state(mesh) == SourceStatus.State.SYNCED);
      out.printf("   source %s; requests during the outage: %d, failed: %d%n", state(mesh), traffic.total() - before,
          traffic.failures().size());

      out.println();
      out.printf("%d requests, %d failed%n", traffic.total(), traffic.failures().size());
      traffic.failures().stream().limit(5).forEach(f -> out.println("   failed: " + f));
      return traffic.failures();
    } finally {
      source.close();
      client.close();
    }
  }

  /** reviews v1, v2, v3: a Service, three Pods and an EndpointSlice, each pod on its own loopback address. */
  private void reviewsPods() throws Exception {
    for (String v : List.of("v1", "v2", "v3")) {
      String ip = "127.0.0." + (11 + pods.size());
      Pod pod = new Pod("reviews-" + v, ip, reviewsPort);
      reviewsPort = pod.port();
      pods.add(pod);
      api.put(new PodBuilder().withNewMetadata().withName(pod.name()).withLabels(Map.of("app", "reviews", "version", v))
          .endMetadata().withNewSpec().withServiceAccountName("bookinfo-reviews").endSpec()
          .withNewStatus().withPodIP(ip).endStatus().build());
    }
    api.put(new ServiceBuilder().withNewMetadata().withName("reviews").endMetadata().withNewSpec()
        .withSelector(Map.of("app", "reviews")).addNewPort().withName("http").withPort(9080)
        .withTargetPort(new IntOrString(reviewsPort)).endPort().endSpec().build());
    api.put(reviewsSlice(pods, null));
    out.println("Pods: " + pods.stream().map(p -> p.name() + "@" + p.ip() + ":" + p.port()).toList()
        + ", Service reviews:9080 and its EndpointSlice");
  }

  private EndpointSlice reviewsSlice(List<Pod> ready, Pod terminating) {
    EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName("reviews-abcde")
        .withLabels(Map.of("kubernetes.io/service-name", "reviews")).endMetadata().withAddressType("IPv4")
        .addNewPort().withName("http").withPort(reviewsPort).endPort();
    for (Pod p : ready) {
      b.addNewEndpoint().withAddresses(p.ip()).withNewConditions().withReady(true).endConditions()
          .withNewTargetRef().withKind("Pod").withName(p.name()).withNamespace("default").endTargetRef().endEndpoint();
    }
    if (terminating != null) {
      b.addNewEndpoint().withAddresses(terminating.ip()).withNewConditions().withReady(false).withServing(true)
          .withTerminating(true).endConditions()
          .withNewTargetRef().withKind("Pod").withName(terminating.name()).withNamespace("default").endTargetRef()
          .endEndpoint();
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static GenericKubernetesResource weights(GenericKubernetesResource vs, int v1, int v2) {
    Map<String, Object> spec = (Map<String, Object>) vs.getAdditionalProperties().get("spec");
    List<Map<String, Object>> http = (List<Map<String, Object>>) spec.get("http");
    List<Map<String, Object>> route = (List<Map<String, Object>>) http.get(0).get("route");
    route.get(0).put("weight", v1);
    route.get(1).put("weight", v2);
    return vs;
  }

  /** Prints the traffic's shares four times during a scene. */
  private void show(Traffic traffic, boolean jason) throws InterruptedException {
    traffic.window(jason);
    long step = scene.toMillis() / 4;
    for (int i = 1; i <= 4; i++) {
      Thread.sleep(step); // the demo's pacing for a reader, not a synchronisation
      out.printf("   %4.1fs  %s%n", i * step / 1000.0, traffic.window(jason));
    }
  }

  private static SourceStatus.State state(Mesh mesh) {
    return mesh.sources().stream().filter(s -> s.source().equals("kubernetes")).findFirst().orElseThrow().state();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the demo waited 30 s for a change that did not come");
      }
      Thread.sleep(20);
    }
  }

  private void kubectl(String command) {
    out.println("   $ kubectl " + command);
  }

  private void banner(String s) {
    out.println("=".repeat(s.length()));
    out.println(s);
    out.println("=".repeat(s.length()));
  }

  private void scene(String title) {
    out.println();
    out.println("--- " + title);
  }

  private void close() {
    pods.forEach(Pod::close);
    api.close();
  }
}
