package dev.mesh4j.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A workload acting only as a gateway routes as the gateway's Envoy listener does: the host the
 * client sent is matched against the hosts of the VirtualServices bound to the gateway, whatever
 * port the authority carries (Istio writes the domains {@code host} and {@code host:*}); a host
 * no such VirtualService claims has no virtual host — 404 {@code NR}, nothing forwarded, neither
 * to a service's default route nor to where the client pointed.
 */
class GatewayListenerTest {
  static final String GATEWAY = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: edge}
      spec:
        selector: {istio: ingressgateway}
        servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["%s"]}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: shop}
      spec:
        hosts: ["%s"]
        gateways: [edge]
        http:
        - match: [{uri: {prefix: /shop}}]
          route: [{destination: {host: shop, port: {number: 9080}}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews-in-mesh}
      spec:
        hosts: [reviews]
        http:
        - route: [{destination: {host: shop, port: {number: 9080}}}]
      """;

  static ServiceRegistry registry() {
    return new ServiceRegistry()
        .register("shop", 9080, Endpoint.of("10.0.0.1", 9080))
        .register("reviews", 9080, Endpoint.of("10.0.0.2", 9080));
  }

  static Mesh gateway(String host) {
    return Mesh.builder().registry(registry()).gateways("edge").configYaml(GATEWAY.formatted(host, host)).build();
  }

  static String target(Mesh mesh, String url) throws IOException {
    return mesh.execute(MeshRequest.builder(url).build(), new RecordingExchange()).target();
  }

  @Test
  void aHostClaimedByAGatewayVirtualServiceIsRoutedWhateverThePortOfTheAuthority() throws IOException {
    try (Mesh star = gateway("*"); Mesh named = gateway("shop.example.com")) {
      for (String url : new String[] {"http://localhost:43117/shop", "http://127.0.0.1:8080/shop",
          "http://[::1]:5/shop", "http://anything.example.org/shop"}) {
        assertThat(target(star, url)).as(url).isEqualTo("10.0.0.1:9080");
      }
      for (String url : new String[] {"http://shop.example.com/shop", "http://shop.example.com:443/shop",
          "http://shop.example.com:31380/shop"}) {
        assertThat(target(named, url)).as(url).isEqualTo("10.0.0.1:9080");
      }
      assertThat(named.warnings()).as("no 'port 80 only' at a gateway").isEmpty();
    }
  }

  @Test
  void aHostNoGatewayVirtualServiceClaimsIsA404AndNothingIsSent() throws IOException {
    try (Mesh named = gateway("shop.example.com")) {
      // Not a passthrough to where the client pointed, not a service's default route, not a
      // VirtualService bound only to the mesh.
      for (String url : new String[] {"http://evil.example.com/shop", "http://10.0.0.9:9080/shop",
          "http://reviews:9080/shop", "http://shop:9080/shop"}) {
        assertThat(target(named, url)).as(url).isEqualTo("reply 404 NR");
      }
      Explanation e = named.explain(MeshRequest.builder("http://evil.example.com/shop").build());
      assertThat(e.outcome().kind()).isEqualTo(Explanation.Outcome.Kind.LOCAL_REPLY);
      assertThat(e.virtualService()).isNull();
      assertThat(e.notes()).anySatisfy(n -> assertThat(n).contains("no VirtualService bound to the gateways"));
    }
  }

  @Test
  void aWorkloadThatIsAlsoInTheMeshKeepsItsSidecarRoutes() throws IOException {
    try (Mesh both = Mesh.builder().registry(registry()).gateways("edge", "mesh")
        .configYaml(GATEWAY.formatted("shop.example.com", "shop.example.com")).build()) {
      assertThat(target(both, "http://reviews:9080/any")).as("mesh VirtualService").isEqualTo("10.0.0.1:9080");
      assertThat(target(both, "http://evil.example.com/shop")).as("ALLOW_ANY").isEqualTo("passthrough");
    }
  }
}
