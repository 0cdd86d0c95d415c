package dev.mesh4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.TrafficDistribution;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What is kept of objects decoded from the API server, each with its own copies of every string. */
class KubernetesObjectsTest {

  @Test
  void trafficDistributionIsTheFieldElseIstiosAnnotationAsIstioReadsThem() {
    String annotation = KubernetesObjects.TRAFFIC_DISTRIBUTION_ANNOTATION;
    assertThat(KubernetesObjects.trafficDistribution("PreferClose", null)).isEqualTo(TrafficDistribution.PREFER_SAME_ZONE);
    assertThat(KubernetesObjects.trafficDistribution("PreferSameZone", null)).isEqualTo(TrafficDistribution.PREFER_SAME_ZONE);
    assertThat(KubernetesObjects.trafficDistribution("PreferSameNode", null)).isEqualTo(TrafficDistribution.PREFER_SAME_NODE);
    assertThat(KubernetesObjects.trafficDistribution(null, null)).isEqualTo(TrafficDistribution.ANY);
    // The field wins; a value of it Istio does not know leaves the annotation to say.
    assertThat(KubernetesObjects.trafficDistribution("PreferSameNode", Map.of(annotation, "PreferClose")))
        .isEqualTo(TrafficDistribution.PREFER_SAME_NODE);
    assertThat(KubernetesObjects.trafficDistribution("Elsewhere", Map.of(annotation, "preferclose")))
        .isEqualTo(TrafficDistribution.PREFER_SAME_ZONE);
    assertThat(KubernetesObjects.trafficDistribution(null, Map.of(annotation, "PREFERSAMENODE")))
        .isEqualTo(TrafficDistribution.PREFER_SAME_NODE);
    assertThat(KubernetesObjects.trafficDistribution(null, Map.of(annotation, "PreferNetwork")))
        .as("ambient's multi-network value: no locality preference here").isEqualTo(TrafficDistribution.ANY);
  }

  @Test
  void aNodesLocalityIsItsTopologyLabelsAsIstiodReadsThem() {
    assertThat(KubernetesObjects.nodeLocality(Map.of("topology.kubernetes.io/region", "r1",
        "topology.kubernetes.io/zone", "z1", "topology.istio.io/subzone", "s1"))).isEqualTo("r1/z1/s1");
    assertThat(KubernetesObjects.nodeLocality(Map.of("topology.kubernetes.io/zone", "z1"))).isEqualTo("/z1/");
    assertThat(KubernetesObjects.nodeLocality(Map.of("failure-domain.beta.kubernetes.io/region", "old",
        "topology.kubernetes.io/region", "r1"))).as("the GA label first").isEqualTo("r1//");
    assertThat(KubernetesObjects.nodeLocality(Map.of("kubernetes.io/hostname", "n1"))).isNull();
    assertThat(KubernetesObjects.nodeLocality(Map.of("topology.kubernetes.io/region", "r1")))
        .as("one string per locality").isSameAs(KubernetesObjects.nodeLocality(Map.of("topology.kubernetes.io/region",
            new String("r1"))));
  }

  @Test
  void aPodsLocalityLabelOverridesItsNodes() {
    assertThat(KubernetesObjects.localityOverride(Map.of("istio-locality", "r1.z1.s1"))).isEqualTo("r1/z1/s1");
    assertThat(KubernetesObjects.localityOverride(Map.of("istio-locality", "r1/z1"))).isEqualTo("r1/z1");
    assertThat(KubernetesObjects.localityOverride(Map.of("topology.istio.io/locality", "r2.z2",
        "istio-locality", "r1.z1"))).as("the newer label first").isEqualTo("r2/z2");
    assertThat(KubernetesObjects.localityOverride(Map.of("app", "web"))).isNull();
  }

  @Test
  void textThatRepeatsAcrossObjectsIsKeptOnce() {
    Pod a = pod("reviews-v1-a");
    Pod b = pod("reviews-v1-b");

    PodInfo pa = KubernetesObjects.pod(a);
    PodInfo pb = KubernetesObjects.pod(b);
    ObjectKey ka = KubernetesObjects.key(a.getMetadata());
    ObjectKey kb = KubernetesObjects.key(b.getMetadata());

    assertThat(pa.labels()).isEqualTo(Map.of("app", "reviews", "version", "v1"));
    String appKeyA = pa.labels().keySet().stream().filter("app"::equals).findFirst().orElseThrow();
    String appKeyB = pb.labels().keySet().stream().filter("app"::equals).findFirst().orElseThrow();
    assertThat(appKeyA).isSameAs(appKeyB);
    assertThat(pa.labels().get("version")).isSameAs(pb.labels().get("version"));
    assertThat(pa.serviceAccount()).isEqualTo("bookinfo-reviews").isSameAs(pb.serviceAccount());
    assertThat(ka.namespace()).isSameAs(kb.namespace());

    SliceInfo slice = KubernetesObjects.slice(slice(new String("reviews-v1-a")));
    SliceInfo.Address address = slice.endpoints().get(0);
    assertThat(address.pod()).as("the slice's reference and the Pod's key share the name")
        .isEqualTo("reviews-v1-a").isSameAs(ka.name());
    assertThat(address.nodeName()).isSameAs(KubernetesObjects.slice(slice(new String("x"))).endpoints().get(0).nodeName());
  }

  /** A Pod as decoded from JSON: none of its strings shared with another's. */
  private static Pod pod(String name) {
    return new PodBuilder().withNewMetadata().withNamespace(new String("default")).withName(new String(name))
        .withLabels(Map.of(new String("app"), new String("reviews"), new String("version"), new String("v1")))
        .endMetadata().withNewSpec().withServiceAccountName(new String("bookinfo-reviews")).endSpec().build();
  }

  private static EndpointSlice slice(String pod) {
    return new EndpointSliceBuilder().withNewMetadata().withNamespace(new String("default"))
        .withName("reviews-abc").withLabels(Map.of(KubernetesObjects.SERVICE_NAME_LABEL, new String("reviews")))
        .endMetadata().withAddressType("IPv4").addNewPort().withName("http").withPort(9080).endPort()
        .addNewEndpoint().withAddresses("10.0.0.1").withNodeName(new String("node-1")).withZone(new String("zone-a"))
        .withNewTargetRef().withKind("Pod").withNamespace("default").withName(pod).endTargetRef().endEndpoint()
        .build();
  }
}
