package dev.mesh4j.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.metrics.IstioMetricLabels;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.testing.RecordingExchange;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The public label view gives other metric libraries exactly the labels of mesh4j's own metrics. */
class IstioMetricLabelsTest {

  @Test
  void theLabelsOfARequestAreThoseOfIstiosRequestsTotal() throws IOException {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
    List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    IstioMetricLabels[] labels = new IstioMetricLabels[1];
    try (Mesh mesh = TelemetryFixtures.reviews().openTelemetry(sdk).listener(new MeshListener() {
          @Override
          public void requestEnded(MeshCall call) {
            seen.add(labels[0].of(call));
          }
        }).build();
        MeshContext.Scope s = mesh.captureContext(Map.of("end-user", "jason")::get).makeCurrent()) {
      labels[0] = IstioMetricLabels.forWorkload(mesh.workload());
      mesh.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange());
    }
    Map<String, String> otel = reader.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("istio_requests_total")).findFirst().orElseThrow()
        .getLongSumData().getPoints().iterator().next().getAttributes().asMap().entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(e -> e.getKey().getKey(), e -> String.valueOf(e.getValue())));
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).isEqualTo(otel).containsKeys(IstioMetricsTest.ISTIO_LABELS.toArray(String[]::new))
        .containsEntry("destination_version", "v2");
    assertThat(IstioMetricLabels.BUCKETS).isEqualTo(IstioMetricsTest.ENVOY_BUCKETS);
  }
}
