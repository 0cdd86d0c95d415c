package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.config.TlsMatchAttributes;
import dev.mesh4j.api.config.TlsRoute;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.runtime.DnsResolver;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.Binomial;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.RecordingExchange.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Connections to non-HTTP ports go as a sidecar's outbound listener takes them: {@code tls}
 * routes by server name and port, {@code tcp} routes by port and destination subnet, else to the
 * service's endpoints. The request keeps the application's TLS: mesh4j originates none, and the
 * server name is the host the application called.
 */
class ConnectionRoutingTest {
  /** Istio's "Egress gateway for HTTPS traffic" task, as written there (PASSTHROUGH gateway). */
  static final String EGRESS_TASK = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: cnn}
      spec:
        hosts: [edition.cnn.com]
        ports:
        - {number: 443, name: tls, protocol: TLS}
        resolution: DNS
      ---
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: istio-egressgateway}
      spec:
        selector: {istio: egressgateway}
        servers:
        - port: {number: 443, name: tls, protocol: TLS}
          hosts: [edition.cnn.com]
          tls: {mode: PASSTHROUGH}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: egressgateway-for-cnn}
      spec:
        host: istio-egressgateway.istio-system.svc.cluster.local
        subsets:
        - name: cnn
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: direct-cnn-through-egress-gateway}
      spec:
        hosts: [edition.cnn.com]
        gateways: [mesh, istio-egressgateway]
        tls:
        - match:
          - gateways: [mesh]
            port: 443
            sniHosts: [edition.cnn.com]
          route:
          - destination:
              host: istio-egressgateway.istio-system.svc.cluster.local
              subset: cnn
              port: {number: 443}
        - match:
          - gateways: [istio-egressgateway]
            port: 443
            sniHosts: [edition.cnn.com]
          route:
          - destination: {host: edition.cnn.com, port: {number: 443}}
            weight: 100
      """;

  /** The egress gateway's Service, as Kubernetes would give it (here a ServiceEntry). */
  static final String EGRESS_GATEWAY_SERVICE = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: istio-egressgateway, namespace: istio-system}
      spec:
        hosts: [istio-egressgateway.istio-system.svc.cluster.local]
        ports:
        - {number: 443, name: tls, protocol: TLS}
        resolution: STATIC
        endpoints:
        - {address: 10.0.0.9, labels: {istio: egressgateway}}
      """;

  static final DnsResolver DNS = host -> {
    if (host.equals("edition.cnn.com")) {
      return List.of(InetAddress.getByName("151.101.1.67"));
    }
    throw new UnknownHostException(host);
  };

  static Mesh.Builder mesh(String... yaml) {
    Mesh.Builder b = Mesh.builder().dnsResolver(DNS).random(RandomSource.seeded(3));
    for (String y : yaml) {
      b.configYaml(y);
    }
    return b;
  }

  static Result send(Mesh mesh, String url) throws IOException {
    return mesh.execute(MeshRequest.builder(url).build(), new RecordingExchange());
  }

  @Test
  void anHttpsCallToTheServiceEntryHostGoesToTheEgressGatewayWithTheApplicationsTls() throws IOException {
    try (Mesh mesh = mesh(EGRESS_TASK, EGRESS_GATEWAY_SERVICE).build()) {
      Result r = send(mesh, "https://edition.cnn.com/politics");
      assertThat(r.target()).isEqualTo("10.0.0.9:443");
      assertThat(r.sent().scheme()).isEqualTo("https");
      assertThat(r.sent().tls()).as("mesh4j originates no TLS: the application's goes through").isNull();
      assertThat(r.sent().sni()).as("the server name the application's TLS sends and verifies")
          .isEqualTo("edition.cnn.com");
      assertThat(r.sent().authority()).isEqualTo("edition.cnn.com");
      assertThat(r.sent().path()).isEqualTo("/politics");
    }
  }

  @Test
  void withoutTheTlsRouteTheCallGoesToTheServiceEntrysResolvedEndpoint() throws IOException {
    try (Mesh mesh = mesh(EGRESS_TASK.substring(0, EGRESS_TASK.indexOf("---")), EGRESS_GATEWAY_SERVICE).build()) {
      Result r = send(mesh, "https://edition.cnn.com/politics");
      assertThat(r.target()).isEqualTo("151.101.1.67:443");
      assertThat(r.sent().sni()).isEqualTo("edition.cnn.com");
      assertThat(r.sent().tls()).isNull();
    }
  }

  @Test
  void aServerNameNoTlsMatchNamesIsNotTheVirtualServicesAndIsNotSentToTheGateway() throws IOException {
    String wildcard = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: cnn-all}
        spec:
          hosts: ["*.cnn.com"]
          ports:
          - {number: 443, name: tls, protocol: TLS}
          resolution: NONE
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: cnn-edition-only}
        spec:
          hosts: ["*.cnn.com"]
          tls:
          - match: [{port: 443, sniHosts: [edition.cnn.com]}]
            route:
            - destination: {host: istio-egressgateway.istio-system.svc.cluster.local, port: {number: 443}}
        """;
    try (Mesh mesh = mesh(wildcard, EGRESS_GATEWAY_SERVICE).build()) {
      assertThat(send(mesh, "https://edition.cnn.com/").target()).isEqualTo("10.0.0.9:443");
      assertThat(send(mesh, "https://money.cnn.com/").target()).as("sent where the application named it")
          .isEqualTo("passthrough");
    }
    try (Mesh mesh = mesh(wildcard, EGRESS_GATEWAY_SERVICE)
        .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY).build()) {
      assertThat(send(mesh, "https://money.cnn.com/").target()).isEqualTo("reply 502");
    }
  }

  @Test
  void theMostSpecificServerNameWinsThenTheFirstRoute() throws IOException {
    try (Mesh mesh = mesh(EGRESS_GATEWAY_SERVICE, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: shop}
        spec:
          hosts: ["*.shop.test"]
          ports:
          - {number: 443, name: https, protocol: HTTPS}
          resolution: NONE
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: targets}
        spec:
          hosts: [a.internal, b.internal, c.internal]
          ports:
          - {number: 443, name: tls, protocol: TLS}
          resolution: STATIC
          endpoints: [{address: 10.1.0.1}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: shop}
        spec:
          hosts: ["*.shop.test"]
          tls:
          - match: [{sniHosts: ["*.shop.test"]}]
            route: [{destination: {host: a.internal}}]
          - match: [{sniHosts: ["*.eu.shop.test"]}]
            route: [{destination: {host: b.internal}}]
          - match: [{sniHosts: [pay.eu.shop.test]}]
            route: [{destination: {host: c.internal}}]
          - match: [{sniHosts: ["*.eu.shop.test"]}]
            route: [{destination: {host: a.internal}}]
        """).build()) {
      assertThat(route(mesh, "https://web.shop.test/")).isEqualTo("default/shop tls[0]");
      assertThat(route(mesh, "https://cart.eu.shop.test/")).isEqualTo("default/shop tls[1]");
      assertThat(route(mesh, "https://PAY.eu.shop.test./")).as("case and a trailing dot do not matter")
          .isEqualTo("default/shop tls[2]");
      assertThat(send(mesh, "https://pay.eu.shop.test/").target()).isEqualTo("10.1.0.1:443");
    }
  }

  /** The route a request takes, as {@code explain} names it. */
  static String route(Mesh mesh, String url) {
    return mesh.explain(MeshRequest.builder(url).build()).route();
  }

  @Test
  void weightedTlsDestinationsSplitConnectionsWithTheMeshsRandom() throws IOException {
    try (Mesh mesh = mesh(EGRESS_GATEWAY_SERVICE, """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: api}
        spec:
          hosts: [api.example.com]
          ports:
          - {number: 443, name: tls, protocol: TLS}
          resolution: STATIC
          endpoints: [{address: 10.2.0.1, labels: {version: v1}}, {address: 10.2.0.2, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: api}
        spec:
          host: api.example.com
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: api}
        spec:
          hosts: [api.example.com]
          tls:
          - match: [{port: 443, sniHosts: [api.example.com]}]
            route:
            - {destination: {host: api.example.com, subset: v1}, weight: 80}
            - {destination: {host: api.example.com, subset: v2}, weight: 20}
        """).build()) {
      int n = 2000;
      Map<String, Integer> counts = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        counts.merge(send(mesh, "https://api.example.com/").target(), 1, Integer::sum);
      }
      assertThat(counts.keySet()).containsExactly("10.2.0.1:443", "10.2.0.2:443");
      assertThat(Binomial.plausible(counts.get("10.2.0.2:443"), n, 0.2)).as(counts.toString()).isTrue();
    }
  }

  @Test
  void aPlainHttpCallToATlsPortSendsNoServerNameAndGoesWhereTheApplicationNamedIt() throws IOException {
    try (Mesh mesh = mesh(EGRESS_TASK, EGRESS_GATEWAY_SERVICE).build()) {
      assertThat(send(mesh, "http://edition.cnn.com:443/").target()).isEqualTo("passthrough");
    }
  }

  @Test
  void aMatchForOtherSourceLabelsIsDroppedForThisWorkload() throws IOException {
    String vs = EGRESS_TASK.replace("- gateways: [mesh]", "- sourceLabels: {app: billing}\n      gateways: [mesh]");
    Workload shop = Workload.builder().namespace("default").label("app", "shop").build();
    try (Mesh mesh = mesh(vs, EGRESS_GATEWAY_SERVICE).workload(shop).build()) {
      assertThat(send(mesh, "https://edition.cnn.com/").target()).isEqualTo("151.101.1.67:443");
    }
    Workload billing = Workload.builder().namespace("default").label("app", "billing").build();
    try (Mesh mesh = mesh(vs, EGRESS_GATEWAY_SERVICE).workload(billing).build()) {
      assertThat(send(mesh, "https://edition.cnn.com/").target()).isEqualTo("10.0.0.9:443");
    }
  }

  @Test
  void aDestinationRuleThatWouldWrapTheApplicationsTlsFailsClosed() throws IOException {
    try (Mesh mesh = mesh(EGRESS_TASK, EGRESS_GATEWAY_SERVICE, """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: egressgateway-for-cnn}
        spec:
          host: istio-egressgateway.istio-system.svc.cluster.local
          trafficPolicy: {tls: {mode: SIMPLE}}
          subsets:
          - name: cnn
        """.replace("egressgateway-for-cnn", "egressgateway-tls"))
        .build()) {
      Result r = send(mesh, "https://edition.cnn.com/");
      assertThat(r.target()).startsWith("reply 503 UF");
      assertThat(r.reply().body()).contains("does not wrap one in the other");
    }
  }

  @Test
  void tcpRoutesGoByPortAndANameNeverMatchesDestinationSubnets() throws IOException {
    try (Mesh mesh = mesh("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: db}
        spec:
          hosts: [db.example.com]
          addresses: [192.168.10.0/24]
          ports:
          - {number: 5432, name: tcp, protocol: TCP}
          - {number: 6432, name: tcp-pool, protocol: TCP}
          resolution: STATIC
          endpoints: [{address: 10.3.0.1}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: replica}
        spec:
          hosts: [replica.example.com]
          ports:
          - {number: 5432, name: tcp, protocol: TCP}
          resolution: STATIC
          endpoints: [{address: 10.3.0.2}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: local}
        spec:
          hosts: [local.example.com]
          ports:
          - {number: 5432, name: tcp, protocol: TCP}
          resolution: STATIC
          endpoints: [{address: 10.3.0.3}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: db}
        spec:
          hosts: [db.example.com]
          tcp:
          - match: [{port: 5432, destinationSubnets: [192.168.10.128/25]}]
            route: [{destination: {host: local.example.com, port: {number: 5432}}}]
          - match: [{port: 5432}]
            route: [{destination: {host: replica.example.com, port: {number: 5432}}}]
        """).build()) {
      assertThat(send(mesh, "http://db.example.com:5432/").target()).isEqualTo("10.3.0.2:5432");
      assertThat(route(mesh, "http://db.example.com:5432/")).isEqualTo("default/db tcp[1]");
      assertThat(send(mesh, "http://db.example.com:6432/").target()).as("no route for the port: the service's")
          .isEqualTo("10.3.0.1:6432");
    }
  }

  @Test
  void aServerNameOutsideTheVirtualServicesHostsIsRefusedNamingTheField() {
    String bad = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: cnn}
        spec:
          hosts: [edition.cnn.com]
          tls:
          - match: [{port: 443, sniHosts: [money.cnn.com]}]
            route: [{destination: {host: edition.cnn.com}}]
        """;
    assertThatThrownBy(() -> mesh(bad).build()).isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("#1 spec.tls[0].match[0].sniHosts[0]: SNI host \"money.cnn.com\" is not a compatible"
            + " subset of any of the virtual service hosts: [edition.cnn.com]");
    VirtualService inCode = VirtualService.builder("cnn").hosts("edition.cnn.com")
        .tls(TlsRoute.builder()
            .match(TlsMatchAttributes.builder().port(443).sniHosts("money.cnn.com"))
            .route(Destination.of("edition.cnn.com")))
        .build();
    assertThatThrownBy(() -> Mesh.builder().config(MeshConfig.builder().add(inCode).build()).build())
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("spec.tls[0].match[0].sniHosts[0]: SNI host \"money.cnn.com\"");
  }
}
