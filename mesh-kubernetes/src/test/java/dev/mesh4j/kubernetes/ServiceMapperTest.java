package dev.mesh4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.endpoint.TrafficDistribution;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a Service, its EndpointSlices and Pods become the service mesh4j routes to. */
class ServiceMapperTest {
  private final ServiceMapper mapper = new ServiceMapper("cluster.local", "example.org", "east");
  private final Map<ObjectKey, PodInfo> pods = Map.of(
      new ObjectKey("shop", "cart-1"), new PodInfo(Map.of("app", "cart", "version", "v1"), "cart-sa", "cart-v1"),
      new ObjectKey("shop", "cart-2"), new PodInfo(Map.of("app", "cart", "version", "v2",
          "istio-locality", "eu-west1.eu-west1-b"), "cart-sa", "cart-v2"));

  private static ServiceInfo cart(boolean publishNotReady, ServiceInfo.Port... ports) {
    return new ServiceInfo("shop", "cart", null, List.of(ports), List.of(), publishNotReady, TrafficDistribution.ANY);
  }

  private static SliceInfo.Address address(String ip, boolean ready, String pod) {
    return new SliceInfo.Address(ip, ready, pod, "node-a", "eu-west1-b");
  }

  @Test
  void namedTargetPortsResolvePerSlicePortByName() {
    ServiceInfo service = cart(false, new ServiceInfo.Port("http", 80, "HTTP", null),
        new ServiceInfo.Port("grpc", 9090, "GRPC", 9090));
    SliceInfo slice = new SliceInfo("cart", List.of(new SliceInfo.Port("http", 8080), new SliceInfo.Port("grpc", 9090)),
        List.of(address("10.1.0.1", true, "cart-1")));

    ServiceEndpoints s = mapper.map(service, List.of(slice), pods::get);

    assertThat(s.host()).isEqualTo("cart.shop.svc.cluster.local");
    assertThat(s.endpoints(80)).extracting(Endpoint::hostPort).containsExactly("10.1.0.1:8080");
    assertThat(s.endpoints(9090)).extracting(Endpoint::hostPort).containsExactly("10.1.0.1:9090");
    assertThat(s.ports()).extracting(p -> p.targetPort()).containsExactly(null, 9090);
  }

  @Test
  void endpointsCarryPodLabelsTopologyAndIdentity() {
    ServiceInfo service = cart(false, new ServiceInfo.Port("http", 80, "HTTP", 8080));
    SliceInfo slice = new SliceInfo("cart", List.of(new SliceInfo.Port("http", 8080)),
        List.of(address("10.1.0.1", true, "cart-1"), address("10.1.0.2", true, "cart-2"),
            new SliceInfo.Address("10.1.0.3", true, null, null, null)));

    List<Endpoint> endpoints = mapper.map(service, List.of(slice), pods::get).endpoints(80);

    assertThat(endpoints.get(0).labels()).containsEntry("version", "v1")
        .containsEntry("topology.kubernetes.io/zone", "eu-west1-b").containsEntry("kubernetes.io/hostname", "node-a")
        .containsEntry("topology.istio.io/cluster", "east").containsEntry("service.istio.io/workload-name", "cart-v1");
    assertThat(endpoints.get(0).principal()).isEqualTo("spiffe://example.org/ns/shop/sa/cart-sa");
    assertThat(endpoints.get(0).locality()).isNull();
    assertThat(endpoints.get(1).locality()).isEqualTo("eu-west1/eu-west1-b");
    assertThat(endpoints.get(2).labels()).containsOnly(Map.entry("topology.istio.io/cluster", "east"));
    assertThat(endpoints.get(2).principal()).as("no Pod behind it: identity unknown").isNull();
  }

  @Test
  void onlyReadyEndpointsReceiveTrafficUnlessTheServicePublishesNotReadyOnes() {
    SliceInfo slice = new SliceInfo("cart", List.of(new SliceInfo.Port("http", 8080)),
        List.of(address("10.1.0.1", true, "cart-1"), address("10.1.0.2", false, "cart-2")));

    assertThat(mapper.map(cart(false, new ServiceInfo.Port("http", 80, "HTTP", 8080)), List.of(slice), pods::get)
        .endpoints(80)).extracting(Endpoint::address).containsExactly("10.1.0.1");
    assertThat(mapper.map(cart(true, new ServiceInfo.Port("http", 80, "HTTP", 8080)), List.of(slice), pods::get)
        .endpoints(80)).extracting(Endpoint::address).containsExactly("10.1.0.1", "10.1.0.2");
  }

  @Test
  void anEndpointListedByTwoSlicesCountsOnce() {
    SliceInfo a = new SliceInfo("cart", List.of(new SliceInfo.Port("http", 8080)), List.of(address("10.1.0.1", true, "cart-1")));
    SliceInfo b = new SliceInfo("cart", List.of(new SliceInfo.Port("http", 8080)),
        List.of(address("10.1.0.1", true, "cart-1"), address("10.1.0.2", true, "cart-2")));

    assertThat(mapper.map(cart(false, new ServiceInfo.Port("http", 80, "HTTP", 8080)), List.of(a, b), pods::get)
        .endpoints(80)).extracting(Endpoint::address).containsExactly("10.1.0.1", "10.1.0.2");
  }

  @Test
  void anExternalNameServiceHasItsNameAsItsEndpoint() {
    ServiceInfo service = new ServiceInfo("shop", "payments", "api.payments.example.com",
        List.of(new ServiceInfo.Port("https", 443, "HTTPS", 443)), List.of("."), false, TrafficDistribution.ANY);

    ServiceEndpoints s = mapper.map(service, List.of(), pods::get);

    assertThat(s.endpoints(443)).extracting(Endpoint::hostPort).containsExactly("api.payments.example.com:443");
    assertThat(s.exportTo()).containsExactly(".");
  }

  @Test
  void aSlicePortOfAnotherNameServesNothing() {
    SliceInfo slice = new SliceInfo("cart", List.of(new SliceInfo.Port("metrics", 9100)), List.of(address("10.1.0.1", true, "cart-1")));

    assertThat(mapper.map(cart(false, new ServiceInfo.Port("http", 80, "HTTP", 8080)), List.of(slice), pods::get)
        .endpoints(80)).isEmpty();
  }
}
