package dev.mesh4j.core.internal.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A sidecar's virtual hosts are per port: on a port a host's own service does not have, a
 * wildcard service with that port takes the request.
 */
class PortScopedHostTest {
  static final String ENTRIES = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: wildcard}
      spec:
        hosts: ["*.bar.com"]
        ports: [{number: 80, name: http, protocol: HTTP}]
        resolution: NONE
      ---
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: wider}
      spec:
        hosts: ["*.com"]
        ports: [{number: 9000, name: http, protocol: HTTP}]
        resolution: NONE
      ---
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: foo}
      spec:
        hosts: [foo.bar.com]
        ports: [{number: 8000, name: http, protocol: HTTP}]
        resolution: STATIC
        endpoints: [{address: 10.1.1.1}]
      """;

  static Mesh mesh() {
    return Mesh.builder().configYaml(ENTRIES).outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY)
        .dnsResolver(h -> List.of(InetAddress.getLoopbackAddress())).dnsRefreshInterval(Duration.ZERO).build();
  }

  static String target(Mesh mesh, String url) throws IOException {
    return mesh.execute(MeshRequest.builder(url).build(), new RecordingExchange()).target();
  }

  @Test
  void theHostsOwnServiceServesItsPorts() throws IOException {
    try (Mesh mesh = mesh()) {
      assertThat(target(mesh, "http://foo.bar.com:8000/")).isEqualTo("10.1.1.1:8000");
    }
  }

  @Test
  void aWildcardServiceWithThePortTakesThePortsTheHostsServiceLacks() throws IOException {
    try (Mesh mesh = mesh()) {
      assertThat(target(mesh, "http://foo.bar.com/")).isEqualTo("passthrough");
      assertThat(mesh.explain(MeshRequest.builder("http://foo.bar.com/").build()).service()).isEqualTo("*.bar.com");
      // The most specific wildcard that has the port: *.com on 9000, for both hosts.
      assertThat(mesh.explain(MeshRequest.builder("http://foo.bar.com:9000/").build()).service()).isEqualTo("*.com");
      assertThat(mesh.explain(MeshRequest.builder("http://x.bar.com:9000/").build()).service()).isEqualTo("*.com");
    }
  }

  @Test
  void aPortNoServiceHasIsStillUnknown() throws IOException {
    try (Mesh mesh = mesh()) {
      assertThat(target(mesh, "http://foo.bar.com:8001/")).isEqualTo("reply 502");
      assertThat(target(mesh, "http://x.bar.com:8000/")).isEqualTo("reply 502");
    }
  }
}
