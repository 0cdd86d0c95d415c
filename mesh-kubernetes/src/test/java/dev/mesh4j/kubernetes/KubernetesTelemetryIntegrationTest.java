package dev.mesh4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Istio's metrics of calls to Pods the Kubernetes source found: the destination's workload,
 * canonical service and cluster are those a sidecar reports from istiod's endpoint metadata —
 * the Deployment of a ReplicaSet's Pod, a StatefulSet — not {@code unknown}.
 */
class KubernetesTelemetryIntegrationTest {
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();
  private TestCluster cluster;
  private LoopbackBackend reviews;
  private LoopbackBackend ratings;
  private Mesh mesh;
  private OkHttpClient client;

  @BeforeEach
  void setUp() {
    cluster = TestCluster.create();
    reviews = LoopbackBackend.startAt("reviews-v2", Map.of(), "127.0.0.31", 0);
    ratings = LoopbackBackend.startAt("ratings-0", Map.of(), "127.0.0.32", 0);
    // A Deployment's Pod, as the ReplicaSet controller creates it.
    cluster.put(owned(TestCluster.pod("default", "reviews-v2-7d8f9c6b5-x2kqp", "127.0.0.31", "bookinfo-reviews",
        Map.of("app", "reviews", "version", "v2", "pod-template-hash", "7d8f9c6b5")),
        "reviews-v2-7d8f9c6b5-", "ReplicaSet", "reviews-v2-7d8f9c6b5"));
    cluster.put(TestCluster.service("default", "reviews", 9080, "http", reviews.port()));
    cluster.put(TestCluster.slice("default", "reviews-slice", "reviews", "http", reviews.port(),
        List.of(TestCluster.SliceEndpoint.ready("reviews-v2-7d8f9c6b5-x2kqp", "127.0.0.31"))));
    // A StatefulSet's Pod, labelled only with app.kubernetes.io/name.
    cluster.put(owned(TestCluster.pod("default", "ratings-0", "127.0.0.32", "bookinfo-ratings",
        Map.of("app.kubernetes.io/name", "ratings")), "ratings-", "StatefulSet", "ratings"));
    cluster.put(TestCluster.service("default", "ratings", 9080, "http", ratings.port()));
    cluster.put(TestCluster.slice("default", "ratings-slice", "ratings", "http", ratings.port(),
        List.of(TestCluster.SliceEndpoint.ready("ratings-0", "127.0.0.32"))));
    mesh = Mesh.builder().namespace("default").workloadName("productpage-v1").workloadLabel("app", "productpage")
        .source(KubernetesSource.of(cluster.newClient())).openTelemetry(sdk).build();
    client = MeshOkHttp.newClient(mesh);
  }

  @AfterEach
  void tearDown() {
    if (mesh != null) {
      mesh.close();
    }
    reviews.close();
    ratings.close();
    cluster.close();
    sdk.close();
  }

  static Pod owned(Pod pod, String generateName, String kind, String owner) {
    return new PodBuilder(pod).editMetadata().withGenerateName(generateName)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind(kind).withName(owner)
            .withUid("uid-" + owner).withController(true).build())
        .endMetadata().build();
  }

  private void call(String url) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      assertThat(r.code()).as(url).isEqualTo(200);
    }
  }

  private Attributes requestLabels(String service) {
    return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals("istio_requests_total"))
        .flatMap(m -> m.getLongSumData().getPoints().stream()).map(LongPointData::getAttributes)
        .filter(a -> service.equals(a.get(AttributeKey.stringKey("destination_service"))))
        .findFirst().orElseThrow(() -> new AssertionError("no istio_requests_total for " + service));
  }

  private static String label(Attributes a, String name) {
    return a.get(AttributeKey.stringKey(name));
  }

  @Test
  void destinationLabelsNameThePodsWorkloadAsIstiodDoes() throws IOException {
    call("http://reviews:9080/reviews/1");
    call("http://ratings:9080/ratings/1");

    Attributes r = requestLabels("reviews.default.svc.cluster.local");
    assertThat(label(r, "destination_workload")).isEqualTo("reviews-v2");
    assertThat(label(r, "destination_workload_namespace")).isEqualTo("default");
    assertThat(label(r, "destination_canonical_service")).isEqualTo("reviews");
    assertThat(label(r, "destination_canonical_revision")).isEqualTo("v2");
    assertThat(label(r, "destination_app")).isEqualTo("reviews");
    assertThat(label(r, "destination_version")).isEqualTo("v2");
    assertThat(label(r, "destination_cluster")).isEqualTo("Kubernetes");
    assertThat(label(r, "source_workload")).isEqualTo("productpage-v1");

    Attributes s = requestLabels("ratings.default.svc.cluster.local");
    assertThat(label(s, "destination_workload")).isEqualTo("ratings");
    assertThat(label(s, "destination_canonical_service")).isEqualTo("ratings");
    assertThat(label(s, "destination_canonical_revision")).isEqualTo("latest");
    assertThat(label(s, "destination_cluster")).isEqualTo("Kubernetes");
  }
}
