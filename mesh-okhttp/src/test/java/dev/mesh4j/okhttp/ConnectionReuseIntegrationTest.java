package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** A DestinationRule's maxRequestsPerConnection closes a connection after that many requests. */
class ConnectionReuseIntegrationTest {

  @Test
  void aConnectionCarriesAtMostMaxRequestsPerConnection() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      for (int i = 0; i < 7; i++) {
        server.enqueue(new MockResponse.Builder().body("ok").build());
      }
      try (Mesh mesh = Mesh.builder()
          .registry(new ServiceRegistry().register("web", 8080,
              dev.mesh4j.api.endpoint.Endpoint.of("127.0.0.1", server.getPort())))
          .configYaml("""
              apiVersion: networking.istio.io/v1
              kind: DestinationRule
              metadata: {name: web}
              spec:
                host: web
                trafficPolicy:
                  connectionPool: {http: {maxRequestsPerConnection: 3, idleTimeout: 30s}}
              """).build()) {
        OkHttpClient client = MeshOkHttp.newClient(mesh);
        for (int i = 0; i < 7; i++) {
          try (Response r = client.newCall(new Request.Builder().url("http://web:8080/").build()).execute()) {
            assertThat(r.body().string()).isEqualTo("ok");
          }
        }
        List<Integer> connections = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
          RecordedRequest recorded = server.takeRequest();
          connections.add(recorded.getConnectionIndex());
        }
        // Requests 1-3 on the first connection, 4-6 on a second, 7 on a third.
        assertThat(connections).containsExactly(0, 0, 0, 1, 1, 1, 2);
      }
    }
  }
}
