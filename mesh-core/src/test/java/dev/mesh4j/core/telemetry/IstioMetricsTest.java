package dev.mesh4j.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.FakeSleeper;
import dev.mesh4j.core.testing.RecordingExchange;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Istio's standard metrics, names and labels, through the OpenTelemetry metrics API. */
class IstioMetricsTest {
  /** istio/proxy istio_stats.cc, in its order. */
  static final List<String> ISTIO_LABELS = List.of("reporter", "source_workload", "source_workload_namespace",
      "source_principal", "source_app", "source_version", "source_canonical_service", "source_canonical_revision",
      "source_cluster", "destination_workload", "destination_workload_namespace", "destination_principal",
      "destination_app", "destination_version", "destination_service", "destination_service_name",
      "destination_service_namespace", "destination_canonical_service", "destination_canonical_revision",
      "destination_cluster", "request_protocol", "response_flags", "connection_security_policy", "response_code",
      "grpc_response_status");
  static final List<Double> ENVOY_BUCKETS = List.of(0.5, 1d, 5d, 10d, 25d, 50d, 100d, 250d, 500d, 1000d, 2500d,
      5000d, 10000d, 30000d, 60000d, 300000d, 600000d, 1800000d, 3600000d);

  final InMemoryMetricReader reader = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();

  static Map<String, String> labels(Attributes a) {
    Map<String, String> m = new LinkedHashMap<>();
    a.forEach((k, v) -> m.put(k.getKey(), String.valueOf(v)));
    return m;
  }

  MetricData metric(String name) {
    return reader.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aRoutedRequestIsCountedWithIstiosLabelsAndTheEndpointsVersion() throws IOException {
    FakeSleeper sleeper = new FakeSleeper();
    String delayed = TelemetryFixtures.REVIEWS.replace("- name: jason\n",
        "- name: jason\n    fault: {delay: {fixedDelay: 7ms, percentage: {value: 100}}}\n");
    try (Mesh mesh = TelemetryFixtures.reviews().openTelemetry(sdk).ticker(sleeper).sleeper(sleeper)
            .workloadLabel("service.istio.io/canonical-revision", "v1").build();
        Mesh delay = Mesh.builder().registry(mesh.registry()).configYaml(delayed).openTelemetry(sdk).ticker(sleeper)
            .sleeper(sleeper).workloadName("productpage-v1").build();
        MeshContext.Scope s = mesh.captureContext(Map.of("end-user", "jason")::get).makeCurrent()) {
      RecordingExchange.Result r = mesh.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange());
      assertThat(r.target()).isEqualTo("10.0.0.2:9080");

      List<LongPointData> counts = List.copyOf(metric("istio_requests_total").getLongSumData().getPoints());
      assertThat(counts).hasSize(1);
      Map<String, String> labels = labels(counts.get(0).getAttributes());
      assertThat(labels.keySet()).containsExactlyInAnyOrderElementsOf(ISTIO_LABELS);
      assertThat(labels).containsAllEntriesOf(Map.ofEntries(
          Map.entry("reporter", "source"),
          Map.entry("source_workload", "productpage-v1"),
          Map.entry("source_workload_namespace", "default"),
          Map.entry("source_principal", "unknown"),
          Map.entry("source_app", "productpage"),
          Map.entry("source_version", "v1"),
          Map.entry("source_canonical_service", "productpage"),
          Map.entry("source_canonical_revision", "v1"),
          Map.entry("source_cluster", "Kubernetes"),
          Map.entry("destination_workload", "unknown"),
          Map.entry("destination_workload_namespace", "default"),
          Map.entry("destination_principal", "unknown"),
          Map.entry("destination_app", "reviews"),
          Map.entry("destination_version", "v2"),
          Map.entry("destination_service", "reviews.default.svc.cluster.local"),
          Map.entry("destination_service_name", "reviews"),
          Map.entry("destination_service_namespace", "default"),
          Map.entry("destination_canonical_service", "reviews"),
          Map.entry("destination_canonical_revision", "v2"),
          Map.entry("destination_cluster", "unknown"),
          Map.entry("request_protocol", "http"),
          Map.entry("response_flags", "-"),
          Map.entry("connection_security_policy", "unknown"),
          Map.entry("response_code", "200"),
          Map.entry("grpc_response_status", "")));
      assertThat(counts.get(0).getValue()).isEqualTo(1);

      delay.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange());
      HistogramPointData duration = metric("istio_request_duration_milliseconds").getHistogramData().getPoints()
          .stream().filter(p -> "DI".equals(p.getAttributes().get(AttributeKey.stringKey("response_flags"))))
          .findFirst().orElseThrow();
      assertThat(duration.getSum()).isEqualTo(7.0);
      assertThat(duration.getBoundaries()).isEqualTo(ENVOY_BUCKETS);
      assertThat(metric("istio_request_duration_milliseconds").getUnit()).isEqualTo("ms");
      assertThat(metric("istio_response_bytes").getHistogramData().getPoints().iterator().next().getBoundaries())
          .isEqualTo(ENVOY_BUCKETS);
      assertThat(metric("istio_request_bytes").getUnit()).isEqualTo("By");
    }
  }

  @Test
  void unknownHostsArePassthroughOrBlackHoleAndLocalRepliesCarryTheirFlags() throws IOException {
    try (Mesh allow = TelemetryFixtures.reviews().openTelemetry(sdk).build();
        Mesh block = TelemetryFixtures.reviews().openTelemetry(sdk).outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY)
            .build()) {
      allow.execute(MeshRequest.builder("http://httpbin.org/get").build(), new RecordingExchange());
      block.execute(MeshRequest.builder("http://httpbin.org/get").build(), new RecordingExchange());
      allow.registry().register("reviews", 9080);
      allow.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange());

      Map<String, Map<String, String>> byName = new LinkedHashMap<>();
      for (LongPointData p : metric("istio_requests_total").getLongSumData().getPoints()) {
        Map<String, String> l = labels(p.getAttributes());
        byName.put(l.get("destination_service_name") + " " + l.get("response_code") + " " + l.get("response_flags"), l);
      }
      assertThat(byName.keySet()).containsExactlyInAnyOrder("PassthroughCluster 200 -", "BlackHoleCluster 502 -",
          "reviews 503 UH");
      assertThat(byName.get("PassthroughCluster 200 -")).containsEntry("destination_service", "httpbin.org")
          .containsEntry("destination_version", "unknown").containsEntry("destination_canonical_revision", "latest");
      assertThat(byName.get("BlackHoleCluster 502 -")).containsEntry("destination_service", "httpbin.org");
      assertThat(byName.get("reviews 503 UH")).containsEntry("destination_service", "reviews.default.svc.cluster.local");
    }
  }

  @Test
  void hostNamesFromRequestsBecomeAtMostAHundredLabelValuesThenANamedOverflow() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().openTelemetry(sdk).build()) {
      for (int i = 0; i < 250; i++) {
        mesh.execute(MeshRequest.builder("http://host-" + i + ".example.com/").build(), new RecordingExchange());
      }
      mesh.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange());

      Map<String, Long> byService = new LinkedHashMap<>();
      for (LongPointData p : metric("istio_requests_total").getLongSumData().getPoints()) {
        Map<String, String> l = labels(p.getAttributes());
        byService.merge(l.get("destination_service") + " " + l.get("destination_service_name"), p.getValue(), Long::sum);
      }
      assertThat(byService).as("the first 100 hosts keep their names")
          .containsEntry("host-0.example.com PassthroughCluster", 1L)
          .containsEntry("host-99.example.com PassthroughCluster", 1L)
          .doesNotContainKey("host-100.example.com PassthroughCluster")
          .containsEntry("mesh4j_overflow PassthroughCluster", 150L)
          .as("services from configuration are not request data and never overflow")
          .containsEntry("reviews.default.svc.cluster.local reviews", 1L)
          .hasSize(102);
    }
  }

  @Test
  void aPrometheusScrapeShowsExactlyIstiosMetricNamesAndLabels() throws IOException {
    PrometheusMetricReader prometheus = PrometheusMetricReader.create();
    try (OpenTelemetrySdk scraped = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(prometheus).build()).build();
        Mesh mesh = TelemetryFixtures.reviews().openTelemetry(scraped).build()) {
      mesh.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange());
      mesh.execute(MeshRequest.builder(PropagationTest.URL).method("POST").build(), new RecordingExchange());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new PrometheusTextFormatWriter(false).write(out, prometheus.collect());
      String page = out.toString(StandardCharsets.UTF_8);

      Set<String> series = new TreeSet<>();
      Matcher m = Pattern.compile("(?m)^([a-z_]+)\\{([^}]*)\\} ").matcher(page);
      Set<String> labelNames = new TreeSet<>();
      while (m.find()) {
        if (m.group(1).startsWith("istio_")) {
          series.add(m.group(1));
          Matcher l = Pattern.compile("([a-z_]+)=\"").matcher(m.group(2));
          while (l.find()) {
            labelNames.add(l.group(1));
          }
        }
      }
      assertThat(series).containsExactlyInAnyOrder("istio_requests_total",
          "istio_request_duration_milliseconds_bucket", "istio_request_duration_milliseconds_count",
          "istio_request_duration_milliseconds_sum", "istio_request_bytes_bucket", "istio_request_bytes_count",
          "istio_request_bytes_sum", "istio_response_bytes_bucket", "istio_response_bytes_count",
          "istio_response_bytes_sum");
      assertThat(page).contains("# TYPE istio_requests_total counter", "# TYPE istio_request_duration_milliseconds histogram");
      Set<String> expected = new TreeSet<>(ISTIO_LABELS);
      expected.add("le");
      // The exporter adds its instrumentation-scope labels; dashboards ignore them.
      labelNames.removeIf(n -> n.startsWith("otel_scope_"));
      assertThat(labelNames).isEqualTo(expected);
      assertThat(page).containsPattern("istio_requests_total\\{[^}]*destination_version=\"v1\"[^}]*reporter=\"source\"[^}]*\\} 2");
      assertThat(page).contains("le=\"0.5\"", "le=\"3600000.0\"");
    }
  }
}
