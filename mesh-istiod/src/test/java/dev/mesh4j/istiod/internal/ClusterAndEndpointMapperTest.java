package dev.mesh4j.istiod.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.Value;
import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.endpoint.Endpoint;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Clusters and endpoints as mesh4j reads them. */
class ClusterAndEndpointMapperTest {
  static final String NAME = "outbound|9080|v2|reviews.default.svc.cluster.local";
  Problems problems = new Problems("Cluster " + NAME);

  static Cluster.Builder eds() {
    return Cluster.newBuilder().setName(NAME).setType(Cluster.DiscoveryType.EDS);
  }

  @Test
  void noLbPolicyIsRoundRobinAsIstiodMeansItForProxylessClients() {
    ClusterMapper.ClusterModel c = ClusterMapper.map(eds().build(), problems, "cluster.local");
    assertThat(c.loadBalancer().simple()).isEqualTo(LoadBalancerSettings.SimpleLb.ROUND_ROBIN);
    assertThat(c.defaultLoadBalancer()).isTrue();
    assertThat(c.edsName()).isEqualTo(NAME);
    assertThat(c.id()).isEqualTo(new ClusterName(9080, "v2", "reviews.default.svc.cluster.local"));
  }

  @Test
  void ringHashThresholdsAndIstioMutualTls() {
    UpstreamTlsContext tls = UpstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder().setInstanceName("default"))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(CertificateValidationContext.newBuilder().addMatchSubjectAltNames(
                StringMatcher.newBuilder().setExact("spiffe://cluster.local/ns/default/sa/bookinfo-reviews"))))).build();
    ClusterMapper.ClusterModel c = ClusterMapper.map(eds().setLbPolicy(Cluster.LbPolicy.RING_HASH)
        .setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(2048)))
        .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
            .setMaxRequests(UInt32Value.of(100)).setMaxConnections(UInt32Value.of(-1))))
        .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls)))
        .build(), problems, "cluster.local");
    assertThat(problems.errors()).isEmpty();
    assertThat(c.hashing()).isTrue();
    assertThat(c.loadBalancer().consistentHash().ringHashMinimumRingSize()).isEqualTo(2048L);
    assertThat(c.connectionPool().http().http2MaxRequests()).isEqualTo(100);
    assertThat(c.connectionPool().tcp().maxConnections()).as("2^32-1, Istio's unlimited").isEqualTo(Integer.MAX_VALUE);
    assertThat(c.tls().mode()).isEqualTo(ClientTlsSettings.TlsMode.ISTIO_MUTUAL);
    assertThat(c.tls().subjectAltNames()).containsExactly("spiffe://cluster.local/ns/default/sa/bookinfo-reviews");
  }

  @Test
  void successRateEjectionIsNotSupportedUnlessTurnedOffAsIstiodDoes() {
    assertThat(ClusterMapper.map(eds().setOutlierDetection(OutlierDetection.newBuilder()).build(), problems,
        "cluster.local")).isNull();
    assertThat(problems.errors()).singleElement().asString().contains("outlier_detection.enforcing_success_rate");
    Problems ok = new Problems("c");
    ClusterMapper.ClusterModel c = ClusterMapper.map(eds().setOutlierDetection(OutlierDetection.newBuilder()
        .setEnforcingSuccessRate(UInt32Value.of(0)).setConsecutive5Xx(UInt32Value.of(3))).build(), ok, "cluster.local");
    assertThat(c.outlierDetection().consecutive5xxErrors()).isEqualTo(3);
  }

  @Test
  void endpointsOfTheLowestHealthyPriorityWithWeightsLocalityAndWorkloadLabels() {
    ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName(NAME)
        .addEndpoints(LocalityLbEndpoints.newBuilder().setPriority(0)
            .setLocality(Locality.newBuilder().setRegion("eu").setZone("eu-1"))
            .addLbEndpoints(lb("10.0.0.1", HealthStatus.UNHEALTHY))
            .addLbEndpoints(lb("10.0.0.2", HealthStatus.HEALTHY).setLoadBalancingWeight(UInt32Value.of(3))
                .setMetadata(Metadata.newBuilder().putFilterMetadata("istio", Struct.newBuilder().putFields("workload",
                    Value.newBuilder().setStringValue("reviews-v2-abc;default;reviews;v2;Kubernetes").build()).build())))
            .addLbEndpoints(lb("10.0.0.3", HealthStatus.DRAINING)))
        .addEndpoints(LocalityLbEndpoints.newBuilder().setPriority(1).addLbEndpoints(lb("10.0.1.1", HealthStatus.HEALTHY)))
        .build();
    List<Endpoint> eps = EndpointMapper.map(cla, problems, "");
    assertThat(problems.errors()).isEmpty();
    assertThat(eps).singleElement().satisfies(e -> {
      assertThat(e.hostPort()).isEqualTo("10.0.0.2:9080");
      assertThat(e.weight()).isEqualTo(3);
      assertThat(e.locality()).isEqualTo("eu/eu-1");
      assertThat(e.labels()).containsEntry("version", "v2").containsEntry("app", "reviews")
          .containsEntry("service.istio.io/canonical-revision", "v2")
          // The workload and its cluster, as the Kubernetes source labels a Pod's endpoints.
          .containsEntry("service.istio.io/workload-name", "reviews-v2-abc")
          .containsEntry("topology.istio.io/cluster", "Kubernetes");
    });
    // With no healthy endpoint at priority 0, priority 1 serves.
    ClusterLoadAssignment failover = cla.toBuilder().setEndpoints(0, cla.getEndpoints(0).toBuilder()
        .setLbEndpoints(1, lb("10.0.0.2", HealthStatus.UNHEALTHY))).build();
    assertThat(EndpointMapper.map(failover, problems, "")).extracting(Endpoint::hostPort).containsExactly("10.0.1.1:9080");
  }

  static LbEndpoint.Builder lb(String ip, HealthStatus health) {
    return LbEndpoint.newBuilder().setHealthStatus(health).setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint
        .newBuilder().setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip)
            .setPortValue(9080))));
  }
}
