package dev.mesh4j.samples.bookinfo;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The telemetry scene: productpage handles a request that arrives with {@code end-user: jason}
 * and a B3 trace, and calls reviews through mesh4j without copying a single header. mesh4j
 * carries the user (so the jason → v2 rule applies one hop down), the request id and the trace;
 * the OpenTelemetry SDK records productpage's client spans, and a Prometheus scrape shows Istio's
 * metrics.
 */
final class TelemetryScene {
  static final String TRACE_ID = "463ac35c9f6413ad48485a3953bb6124";
  static final String CALLER_SPAN = "a2fb4a1d1a96d312";
  static final String REQUEST_ID = "d5e7a1c2-7c1e-4b9a-9d3f-5a0f1e2b3c4d";
  /**
   * What details-v1's Istio sidecar answers with: the base64 of the deterministic serialization
   * of its metadata's {@code google.protobuf.Struct} (istio/proxy's {@code peer_metadata} filter),
   * NAME details-v1-79f774bdb9-kq5zm, NAMESPACE default, WORKLOAD_NAME details-v1, CLUSTER_ID
   * Kubernetes, LABELS app details, version v1, canonical name details, revision v1, OWNER its
   * Deployment.
   */
  static final String DETAILS_SIDECAR =
      "ChoKCkNMVVNURVJfSUQSDBoKS3ViZXJuZXRlcwqLAQoGTEFCRUxTEoABKn4KEAoDYXBwEgkaB2RldGFpbHMKLAofc2VydmljZS5p"
      + "c3Rpby5pby9jYW5vbmljYWwtbmFtZRIJGgdkZXRhaWxzCisKI3NlcnZpY2UuaXN0aW8uaW8vY2Fub25pY2FsLXJldmlzaW9u"
      + "EgQaAnYxCg8KB3ZlcnNpb24SBBoCdjEKJQoETkFNRRIdGhtkZXRhaWxzLXYxLTc5Zjc3NGJkYjkta3E1em0KFgoJTkFNRVNQ"
      + "QUNFEgkaB2RlZmF1bHQKTgoFT1dORVISRRpDa3ViZXJuZXRlczovL2FwaXMvYXBwcy92MS9uYW1lc3BhY2VzL2RlZmF1bHQv"
      + "ZGVwbG95bWVudHMvZGV0YWlscy12MQodCg1XT1JLTE9BRF9OQU1FEgwaCmRldGFpbHMtdjE=";

  private TelemetryScene() {}

  static void run(Path config, ServiceRegistry registry, Pod reviewsV2, Pod detailsV1) throws IOException {
    Spans spans = new Spans();
    int metricsPort = freePort();
    // productpage's /metrics endpoint, as Prometheus would scrape it.
    PrometheusHttpServer prometheus = PrometheusHttpServer.builder().setHost("127.0.0.1").setPort(metricsPort)
        .setOtelScopeLabelsEnabled(false).setTargetInfoMetricEnabled(false).build();
    Resource resource = Resource.getDefault().merge(Resource.create(
        Attributes.of(AttributeKey.stringKey("service.name"), "productpage")));
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().setResource(resource)
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().setResource(resource).registerMetricReader(prometheus).build())
            .build();
        // productpage's mesh, now with the application's OpenTelemetry SDK.
        Mesh mesh = Mesh.builder()
            .configDirectory(config)
            .namespace("default")
            .workloadName("productpage-v1")
            .workloadLabel("app", "productpage")
            .workloadLabel("version", "v1")
            .registry(registry)
            .openTelemetry(sdk)
            .propagatedHeaders("end-user")
            .build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      // details-v1 has not moved to mesh4j: it runs behind an Istio sidecar, which tells callers
      // who it is. productpage's metrics name it from that, as its own sidecar would.
      detailsV1.behindSidecar(DETAILS_SIDECAR, "sidecar~127.0.0.1~details-v1-79f774bdb9-kq5zm.default~default.svc.cluster.local");
      // productpage's handler: capture the inbound context, call reviews. No header is copied.
      try (Pod productpage = new Pod("productpage-v1", Map.of("app", "productpage", "version", "v1"), exchange -> {
        MeshContext inbound = mesh.captureContext(exchange.getRequestHeaders()::getFirst);
        try (MeshContext.Scope scope = inbound.makeCurrent();
            Response reviews = client.newCall(new Request.Builder().url("http://reviews:9080/reviews/0").build())
                .execute()) {
          return "productpage-v1 <- " + reviews.body().string();
        }
      })) {
        OkHttpClient user = new OkHttpClient();
        Request inbound = new Request.Builder().url("http://127.0.0.1:" + productpage.port() + "/productpage")
            .header("end-user", "jason")
            .header("x-request-id", REQUEST_ID)
            .header("x-b3-traceid", TRACE_ID)
            .header("x-b3-spanid", CALLER_SPAN)
            .header("x-b3-sampled", "1")
            .build();
        System.out.println("   inbound to productpage: end-user: jason, x-request-id: " + REQUEST_ID);
        System.out.println("                           x-b3-traceid: " + TRACE_ID + ", x-b3-spanid: " + CALLER_SPAN);
        try (Response r = user.newCall(inbound).execute()) {
          System.out.println("   productpage answered:   " + r.code() + " " + r.body().string());
        }
        user.dispatcher().executorService().shutdown();
        user.connectionPool().evictAll();
      }
      Map<String, String> got = reviewsV2.lastHeaders();
      System.out.println();
      System.out.println("   reviews-v2 received (productpage copied none of these):");
      for (String h : List.of("end-user", "x-request-id", "traceparent", "x-b3-traceid", "x-b3-spanid",
          "x-b3-parentspanid", "x-b3-sampled")) {
        System.out.printf("     %-18s %s%n", h + ":", got.getOrDefault(h, "(none)"));
      }
      System.out.println();
      System.out.println("   span tree (productpage's spans, from its OpenTelemetry SDK):");
      printTree(spans.all(), got);
      System.out.println();
      // Then a call of productpage's own (outside the request above, so a trace of its own).
      try (Response details = client.newCall(new Request.Builder().url("http://details:9080/details/0").build())
          .execute()) {
        System.out.println("   details (behind an Istio sidecar) answered: " + details.body().string()
            + "; x-envoy-peer-metadata reached productpage: "
            + (details.header("x-envoy-peer-metadata") == null ? "no (read, then removed)" : "yes"));
      } finally {
        detailsV1.behindSidecar(null, null);
      }
      System.out.println();
      System.out.println("   Prometheus scrape of productpage's /metrics (istio_requests_total; reviews-v2 named by its");
      System.out.println("   endpoint, details-v1 by its sidecar's peer metadata: see destination_cluster):");
      OkHttpClient scraper = new OkHttpClient();
      try (Response page = scraper.newCall(new Request.Builder()
          .url("http://127.0.0.1:" + metricsPort + "/metrics").build()).execute()) {
        for (String line : page.body().string().split("\n")) {
          if (line.startsWith("istio_requests_total{")) {
            System.out.println("     " + line);
          }
        }
      }
      scraper.dispatcher().executorService().shutdown();
      scraper.connectionPool().evictAll();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void printTree(List<SpanData> spans, Map<String, String> reviewsHeaders) {
    String trace = spans.isEmpty() ? "?" : spans.get(0).getTraceId();
    boolean oneTrace = spans.stream().allMatch(s -> s.getTraceId().equals(trace))
        && trace.equals(TRACE_ID) && reviewsHeaders.getOrDefault("traceparent", "").contains(trace);
    System.out.println("     trace " + trace + (oneTrace ? "  (one trace across the hops)" : "  (BROKEN)"));
    System.out.println("     └─ " + CALLER_SPAN + "  caller's span (from the inbound B3 headers)");
    print(spans, CALLER_SPAN, "        ", reviewsHeaders);
  }

  private static void print(List<SpanData> spans, String parent, String indent, Map<String, String> reviewsHeaders) {
    for (SpanData s : spans) {
      if (!s.getParentSpanId().equals(parent)) {
        continue;
      }
      Attributes a = s.getAttributes();
      Long attempt = a.get(AttributeKey.longKey("mesh4j.attempt"));
      String what = attempt == null
          ? "productpage → reviews, route " + a.get(AttributeKey.stringKey("mesh4j.route")) + ", "
              + a.get(AttributeKey.stringKey("mesh4j.cluster"))
          : "attempt " + attempt + " → " + a.get(AttributeKey.stringKey("mesh4j.endpoint"));
      System.out.println(indent + "└─ " + s.getSpanId() + "  " + s.getKind() + " " + s.getName() + " " + what
          + ", status " + a.get(AttributeKey.longKey("http.response.status_code")));
      if (attempt != null && reviewsHeaders.getOrDefault("traceparent", "").contains(s.getSpanId())) {
        System.out.println(indent + "   └─ reviews-v2 server (its traceparent names this span as parent)");
      }
      print(spans, s.getSpanId(), indent + "   ", reviewsHeaders);
    }
  }

  /** Keeps finished spans in memory (a demo's exporter). */
  private static final class Spans implements SpanExporter {
    private final List<SpanData> spans = new CopyOnWriteArrayList<>();

    List<SpanData> all() {
      List<SpanData> sorted = new ArrayList<>(spans);
      sorted.sort((x, y) -> Long.compare(x.getStartEpochNanos(), y.getStartEpochNanos()));
      return sorted;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
