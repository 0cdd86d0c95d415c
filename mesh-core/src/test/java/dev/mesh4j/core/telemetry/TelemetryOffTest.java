package dev.mesh4j.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.RecordingListener;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** With telemetry off (other instrumentation does it), mesh4j adds no ids or trace headers. */
class TelemetryOffTest {

  @Test
  void noIdsNoTraceHeadersNoEventsButRoutingIsUnchanged() throws IOException {
    RecordingListener events = new RecordingListener();
    try (Mesh mesh = Mesh.builder().telemetry(false).listener(events)
        .registry(new ServiceRegistry().register("web", 80, Endpoint.of("10.0.0.1", 8080)))
        .configYaml("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web}
            spec:
              hosts: [web]
              http: [{route: [{destination: {host: web}}], headers: {request: {set: {x-route: "yes"}}}}]
            """).build()) {
      RecordingExchange.Result r = mesh.execute(MeshRequest.builder("http://web/").build(), new RecordingExchange());
      assertThat(r.target()).isEqualTo("10.0.0.1:8080");
      // Istio's peer metadata exchange is not telemetry the mesh records: a sidecar sends it always.
      assertThat(r.sent().headers().ops()).extracting(HeaderMutation.Op::name)
          .containsExactly("x-envoy-peer-metadata-id", "x-envoy-peer-metadata", "x-route");
      assertThat(events.events()).isEmpty();
    }
  }
}
