package dev.mesh4j.samples.bookinfo;

import static dev.mesh4j.samples.bookinfo.Bookinfo.get;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.tls.IdentityFiles;
import dev.mesh4j.core.tls.MeshTls;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Istio's mutual TLS: reviews-v1 sits behind a sidecar whose PeerAuthentication is STRICT — here a
 * JDK TLS server that presents reviews' workload certificate, requires a client certificate of the
 * mesh's CA and forwards to the pod. productpage without a workload identity fails closed; with
 * the identity files Istio's agent writes, it presents its certificate, checks reviews' SPIFFE ID,
 * and its metrics say {@code connection_security_policy="mutual_tls"}.
 */
final class MutualTlsScene {
  static final String REVIEWS_ID = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
  static final String PRODUCTPAGE_ID = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";
  static final String ISTIO_MUTUAL = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
      """;

  private MutualTlsScene() {}

  static void run(Pod reviews) throws IOException, GeneralSecurityException {
    DemoCa ca = new DemoCa();
    DemoCa.Issued reviewsCert = ca.issue(REVIEWS_ID);
    WorkloadIdentity reviewsIdentity = WorkloadIdentity.of(List.of(reviewsCert.certificate()),
        reviewsCert.keys().getPrivate(), List.of(ca.root));
    HttpsServer sidecar = strictSidecar(reviewsIdentity, reviews.port());
    ExecutorService threads = Executors.newFixedThreadPool(4);
    sidecar.setExecutor(threads);
    sidecar.start();
    try {
      int port = sidecar.getAddress().getPort();
      System.out.println("   reviews-v1's STRICT sidecar: 127.0.0.1:" + port + " (TLS, client certificate required)");
      ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080,
          Endpoint.of("127.0.0.1", port).withLabel("app", "reviews").withLabel("version", "v1")
              .withLabel("security.istio.io/tlsMode", "istio").withPrincipal(REVIEWS_ID));

      OkHttpClient plain = new OkHttpClient();
      try (Response r = plain.newCall(get("http://127.0.0.1:" + port + "/reviews/0").build()).execute()) {
        System.out.println("   plain text to the sidecar:      " + r.code() + " (not served)");
      } catch (IOException e) {
        System.out.println("   plain text to the sidecar:      refused (" + e.getClass().getSimpleName() + ")");
      }
      plain.dispatcher().executorService().shutdown();

      try (Mesh mesh = Mesh.builder().namespace("default").workloadName("productpage-v1").registry(registry)
          .configYaml(ISTIO_MUTUAL).build()) {
        try (Response r = MeshOkHttp.newClient(mesh).newCall(get(Bookinfo.REVIEWS).build()).execute()) {
          System.out.println("   productpage without identity:   " + r.code() + " " + r.header("x-mesh4j-flags")
              + " (fails closed, nothing sent in plain text)");
          System.out.println("     " + r.body().string());
        }
      }

      // The files Istio's agent writes for a workload without a sidecar (OUTPUT_CERTS).
      Path certs = Files.createTempDirectory("bookinfo-identity");
      ca.write(certs, ca.issue(PRODUCTPAGE_ID));
      int metricsPort = freePort();
      PrometheusHttpServer prometheus = PrometheusHttpServer.builder().setHost("127.0.0.1").setPort(metricsPort)
          .setOtelScopeLabelsEnabled(false).setTargetInfoMetricEnabled(false).build();
      try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
              .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(prometheus).build()).build();
          Mesh mesh = Mesh.builder().namespace("default").workloadName("productpage-v1")
              .workloadLabel("app", "productpage").workloadLabel("version", "v1").registry(registry)
              .configYaml(ISTIO_MUTUAL).identity(IdentityFiles.directory(certs)).openTelemetry(sdk).build()) {
        System.out.println("   productpage's identity:         " + mesh.identity().spiffeId() + " (from " + certs
            + ")");
        System.out.println("   productpage with identity:      " + Bookinfo.answer(MeshOkHttp.newClient(mesh),
            get(Bookinfo.REVIEWS)));
        OkHttpClient scraper = new OkHttpClient();
        try (Response page = scraper.newCall(new Request.Builder()
            .url("http://127.0.0.1:" + metricsPort + "/metrics").build()).execute()) {
          System.out.println("   Prometheus scrape of productpage (istio_requests_total):");
          for (String line : page.body().string().split("\n")) {
            if (line.startsWith("istio_requests_total{")) {
              System.out.println("     " + line);
            }
          }
        }
        scraper.dispatcher().executorService().shutdown();
      }
    } finally {
      sidecar.stop(0);
      threads.shutdownNow();
    }
  }

  /** A TLS server presenting {@code identity} and requiring a client certificate of its roots. */
  private static HttpsServer strictSidecar(WorkloadIdentity identity, int podPort)
      throws IOException, GeneralSecurityException {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(MeshTls.keyManagers(identity).getKeyManagers(),
        new TrustManager[] {MeshTls.trustManager(identity, List.of())}, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = tls.getDefaultSSLParameters();
        p.setNeedClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    OkHttpClient toPod = new OkHttpClient();
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().toString();
      byte[] body;
      int status;
      try (Response r = toPod.newCall(get("http://127.0.0.1:" + podPort + path).build()).execute()) {
        status = r.code();
        body = r.body().bytes();
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
