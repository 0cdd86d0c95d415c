package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A route's header operations on the headers that frame a message (Content-Length,
 * Transfer-Encoding, Connection, …) are accepted with a warning and not applied: applied, a
 * {@code content-length} on a body-less request makes the backend wait for bytes that never come,
 * and one on the response makes the client wait in turn. Over real HTTP, with a client timeout
 * that turns such a hang into a failure.
 */
class FramingHeaderOperationsIntegrationTest {
  private final LoopbackBackend backend = LoopbackBackend.start("web");

  @AfterEach
  void stop() {
    backend.close();
  }

  @Test
  void framingHeaderOperationsAreNotAppliedAndRequestsComplete() throws Exception {
    ServiceRegistry registry = new ServiceRegistry();
    registry.register("web", 8080, java.util.List.of(backend.endpoint()));
    try (Mesh mesh = Mesh.builder().registry(registry).configYaml("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [web]
          http:
          - headers:
              request:
                set: {content-length: "5", x-kept: "yes"}
                add: {transfer-encoding: chunked}
              response:
                set: {content-length: "500", connection: close}
                remove: [keep-alive]
            route: [{destination: {host: web}}]
        """).build()) {
      assertThat(mesh.warnings()).anySatisfy(w -> assertThat(w.toString())
          .contains("spec.http[0].headers.request.set.content-length").contains("does not apply"));
      OkHttpClient client = MeshOkHttp.install(mesh, new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5)))
          .build();
      for (int i = 0; i < 3; i++) {
        try (Response r = client.newCall(new Request.Builder().url("http://web:8080/").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).isEqualTo("web");
        }
      }
      assertThat(backend.last().header("x-kept")).as("the other operations apply").isEqualTo("yes");
      assertThat(backend.last().header("content-length")).isNull();
      assertThat(backend.last().header("transfer-encoding")).isNull();
    }
  }
}
