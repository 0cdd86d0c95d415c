package dev.mesh4j.spring.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import dev.mesh4j.spring.autoconfigure.ReviewsBackends;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** Istio's metrics in Micrometer, and an application's OpenTelemetry bean given to the mesh. */
class MeshTelemetryTests {
  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class, MeshMetricsAutoConfiguration.class))
      .withPropertyValues("mesh.propagation.headers=end-user", "spring.application.name=productpage");

  static void callReviewsAsJason(Mesh mesh, OkHttpClient client) throws Exception {
    try (MeshContext.Scope s = mesh.captureContext(Map.of("end-user", "jason")::get).makeCurrent();
        Response r = client.newCall(new Request.Builder().url("http://reviews:9080/r").build()).execute()) {
      r.body().string();
    }
  }

  @Test
  void requestsAreCountedInMicrometerWithIstiosNamesAndLabels() {
    try (ReviewsBackends reviews = new ReviewsBackends()) {
      runner.withBean(ServiceRegistry.class, () -> reviews.registerIn(new ServiceRegistry())).run(context -> {
        MeterRegistry registry = new SimpleMeterRegistry();
        context.getBean(MicrometerIstioMetrics.class).bindTo(registry);
        callReviewsAsJason(context.getBean(Mesh.class), context.getBean(OkHttpClient.class));
        assertThat(registry.get("istio_requests").tag("destination_version", "v2").tag("reporter", "source")
            .tag("source_app", "productpage").tag("response_code", "200").counter().count()).isEqualTo(1);
        assertThat(registry.get("istio_request_duration_milliseconds").summary().count()).isEqualTo(1);
        assertThat(registry.get("istio_response_bytes").summary().totalAmount()).isEqualTo("reviews-v2".length());
        assertThat(registry.get("istio_requests").counter().getId().getTags()).hasSize(25);
      });
    }
  }

  @Test
  void metricsCanBeTurnedOffOrAreAbsentWithoutMicrometer() {
    runner.withPropertyValues("mesh.metrics.enabled=false")
        .run(context -> assertThat(context).hasSingleBean(Mesh.class).doesNotHaveBean(MicrometerIstioMetrics.class));
    runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(context -> assertThat(context).hasSingleBean(Mesh.class).doesNotHaveBean(MicrometerIstioMetrics.class));
  }

  @Test
  void webApplicationsGetTheFilterOfTheirStackUnlessMetricsAreOff() {
    AutoConfigurations all = AutoConfigurations.of(MeshAutoConfiguration.class, MeshMetricsAutoConfiguration.class,
        MeshInboundMetricsAutoConfiguration.class);
    new WebApplicationContextRunner().withConfiguration(all).run(context -> assertThat(context)
        .hasSingleBean(MeshInboundMetricsFilter.class).doesNotHaveBean(MeshInboundMetricsWebFilter.class));
    new ReactiveWebApplicationContextRunner().withConfiguration(all).run(context -> assertThat(context)
        .hasSingleBean(MeshInboundMetricsWebFilter.class).doesNotHaveBean(MeshInboundMetricsFilter.class));
    new WebApplicationContextRunner().withConfiguration(all).withPropertyValues("mesh.metrics.enabled=false")
        .run(context -> assertThat(context).hasSingleBean(Mesh.class).doesNotHaveBean(MeshInboundMetricsFilter.class));
    new ApplicationContextRunner().withConfiguration(all)
        .run(context -> assertThat(context).hasSingleBean(MicrometerIstioMetrics.class)
            .doesNotHaveBean(MeshInboundMetricsFilter.class).doesNotHaveBean(MeshInboundMetricsWebFilter.class));
  }

  @Test
  void anOpenTelemetryBeanReceivesTheMeshsSpans() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    try (ReviewsBackends reviews = new ReviewsBackends()) {
      runner.withBean(ServiceRegistry.class, () -> reviews.registerIn(new ServiceRegistry()))
          .withBean(OpenTelemetry.class, () -> sdk)
          .run(context -> {
            callReviewsAsJason(context.getBean(Mesh.class), context.getBean(OkHttpClient.class));
            assertThat(spans.getFinishedSpanItems()).hasSize(2)
                .anySatisfy(s -> assertThat(s.getAttributes().asMap().toString()).contains("outbound|9080|v2|"));
            String traceparent = reviews.v2.last().header("traceparent");
            assertThat(traceparent).contains(spans.getFinishedSpanItems().get(0).getTraceId());
          });
    } finally {
      sdk.close();
    }
  }
}
