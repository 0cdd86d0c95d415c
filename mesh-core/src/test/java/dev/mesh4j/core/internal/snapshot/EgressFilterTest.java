package dev.mesh4j.core.internal.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.ServiceEntry.Location;
import dev.mesh4j.api.config.ServiceEntry.Resolution;
import dev.mesh4j.api.config.Sidecar;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.discovery.ServiceCatalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Sidecar's egress hosts, including Istio's {@code ~} exclusions. */
class EgressFilterTest {
  private static final Workload WORKLOAD = Workload.builder().namespace("default").build();
  private static final ServiceCatalog CATALOG = new ServiceCatalog(Map.of(
      "reviews.default.svc.cluster.local", service("reviews.default.svc.cluster.local", "default"),
      "ratings.ns1.svc.cluster.local", service("ratings.ns1.svc.cluster.local", "ns1"),
      "foo.com", service("foo.com", "default")), List.of(), "default", "cluster.local");

  @Test
  void importsEverythingButAnExcludedNamespace() {
    assertThat(visible("*/*", "~ns1/*"))
        .containsExactlyInAnyOrder("reviews.default.svc.cluster.local", "foo.com");
  }

  @Test
  void importsEverythingButAnExcludedHostInAnyNamespace() {
    assertThat(visible("*/*", "~/foo.com"))
        .containsExactlyInAnyOrder("reviews.default.svc.cluster.local", "ratings.ns1.svc.cluster.local");
  }

  @Test
  void importsNothingWithTildeStar() {
    assertThat(visible("~/*")).isEmpty();
  }

  @Test
  void importsTheOwnNamespaceWithDot() {
    assertThat(visible("./*")).containsExactlyInAnyOrder("reviews.default.svc.cluster.local", "foo.com");
  }

  private static List<String> visible(String... hosts) {
    Sidecar sidecar = new Sidecar(ObjectMeta.of("default", "default"), Map.of(), List.of(hosts), null);
    return EgressFilter.apply(CATALOG, sidecar, WORKLOAD).all().stream()
        .map(Service::hostname).toList();
  }

  private static Service service(String host, String namespace) {
    return new Service(host, namespace, List.of(), Resolution.NONE, Location.MESH_INTERNAL, Map.of(),
        "test");
  }
}
