package dev.mesh4j.istiod;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.observe.EndpointEjection;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.istiod.testing.TestIstiod;
import dev.mesh4j.kubernetes.KubernetesSource;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.grpc.ManagedChannel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code destinationRulesFrom(KubernetesSource)}: istiod's gRPC generator leaves a
 * DestinationRule's outlier detection out of its clusters; the istiod source takes it from the
 * same DestinationRule read from a real Kubernetes API server (fabric8's mock server in CRUD
 * mode, HTTP and watches on loopback, with Istio's CRD installed) — and it really ejects a failing
 * endpoint of a cluster that came from istiod.
 */
class IstiodWithKubernetesDestinationRulesIntegrationTest {
  static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: default}
      spec:
        host: reviews
        trafficPolicy:
          loadBalancer: {simple: ROUND_ROBIN}
          outlierDetection: {consecutive5xxErrors: 2, interval: 10s, baseEjectionTime: 5m, maxEjectionPercent: 100}
        subsets:
        - {name: v1, labels: {version: v1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
      """;

  LoopbackBackend healthy;
  LoopbackBackend failing;
  TestIstiod istiod;
  ManagedChannel channel;
  KubernetesMockServer kubernetes;
  KubernetesClient kubectl;
  final List<EndpointEjection> ejections = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    healthy = LoopbackBackend.start("reviews-v1-a", Map.of("app", "reviews", "version", "v1"));
    failing = LoopbackBackend.start("reviews-v1-b", Map.of("app", "reviews", "version", "v1"))
        .answer(r -> LoopbackBackend.Answer.of(500, "broken"));
    GrpcGen.Svc reviews = new GrpcGen.Svc("reviews", "default", BookinfoPods.PORT, List.of(
        new GrpcGen.Pod(healthy.name(), healthy.address(), healthy.port(), Map.of("app", "reviews", "version", "v1")),
        new GrpcGen.Pod(failing.name(), failing.address(), failing.port(), Map.of("app", "reviews", "version", "v1"))));
    istiod = TestIstiod.start();
    istiod.push(new GrpcGen(BookinfoPods.config(List.of(), RULES), List.of(reviews), "default",
        Map.of("app", "productpage")).generate());
    channel = istiod.channel();

    // The Kubernetes API server, as mesh-kubernetes' tests start it, holding the same rules.
    kubernetes = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    kubernetes.init(InetAddress.getByName("127.0.0.1"), 0);
    kubectl = kubernetes.createClient();
    for (String[] kind : List.of(new String[] {"DestinationRule", "destinationrules"},
        new String[] {"VirtualService", "virtualservices"})) {
      kubectl.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
          .withNewMetadata().withName(kind[1] + ".networking.istio.io").endMetadata()
          .withNewSpec().withGroup("networking.istio.io").withScope("Namespaced")
          .withNewNames().withKind(kind[0]).withPlural(kind[1]).withSingular(kind[0].toLowerCase())
          .withListKind(kind[0] + "List").endNames()
          .addNewVersion().withName("v1").withServed(true).withStorage(true)
          .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
          .endOpenAPIV3Schema().endSchema().endVersion()
          .endSpec().build()).create();
    }
    for (HasMetadata item : kubectl.load(new ByteArrayInputStream(RULES.getBytes(StandardCharsets.UTF_8))).items()) {
      kubectl.resource(item).createOr(NonDeletingOperation::update);
    }
  }

  @AfterEach
  void tearDown() {
    channel.shutdownNow();
    istiod.close();
    kubectl.close();
    kubernetes.destroy();
    healthy.close();
    failing.close();
  }

  Mesh.Builder mesh() {
    return Mesh.builder().namespace("default").workloadName("productpage-v1-abc").workloadLabel("app", "productpage")
        .listener(new MeshListener() {
          @Override
          public void endpointEjected(EndpointEjection ejection) {
            ejections.add(ejection);
          }
        });
  }

  @Test
  void theKubernetesRulesOutlierDetectionEjectsAFailingEndpointOfIstiodsCluster() throws Exception {
    KubernetesClient client = kubernetes.createClient();
    try (Mesh mesh = mesh().source(IstiodSource.builder(channel)
        .destinationRulesFrom(KubernetesSource.builder(client).build()).build()).build()) {
      MeshRequest request = MeshRequest.builder("http://reviews:9080/").build();
      Awaitility.await("the rule from Kubernetes merged").atMost(Duration.ofSeconds(30))
          .until(() -> mesh.explain(request).policies().toString().contains("consecutive5xx"));
      assertThat(mesh.explain(request).cluster()).isEqualTo("outbound|9080|v1|reviews.default.svc.cluster.local");

      OkHttpClient http = MeshOkHttp.newClient(mesh);
      int errors = 0;
      for (int i = 0; i < 40; i++) {
        errors += status(http) == 500 ? 1 : 0;
      }
      assertThat(ejections).as("one ejection: the failing pod, after its second consecutive 5xx").singleElement()
          .satisfies(e -> {
            assertThat(e.cluster()).isEqualTo("outbound|9080|v1|reviews.default.svc.cluster.local");
            assertThat(e.endpoint().port()).isEqualTo(failing.port());
          });
      assertThat(errors).isEqualTo(2);
      assertThat(failing.requestCount()).isEqualTo(2);
      assertThat(healthy.requestCount()).isEqualTo(38);
    } finally {
      client.close();
    }
  }

  @Test
  void withoutTheKubernetesRulesIstiodsClusterHasNoOutlierDetection() throws Exception {
    try (Mesh mesh = mesh().source(IstiodSource.builder(channel).build()).build()) {
      assertThat(mesh.explain(MeshRequest.builder("http://reviews:9080/").build()).policies().toString())
          .doesNotContain("consecutive5xx");
      OkHttpClient http = MeshOkHttp.newClient(mesh);
      int errors = 0;
      for (int i = 0; i < 40; i++) {
        errors += status(http) == 500 ? 1 : 0;
      }
      assertThat(ejections).isEmpty();
      assertThat(errors).as("round robin keeps sending every other request to the failing pod").isEqualTo(20);
    }
  }

  private static int status(OkHttpClient http) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://reviews:9080/").build()).execute()) {
      return r.code();
    }
  }
}
