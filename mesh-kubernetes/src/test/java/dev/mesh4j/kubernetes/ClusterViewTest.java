package dev.mesh4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.endpoint.TrafficDistribution;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceUpdate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the view delivers as objects come and go, in whatever order the informers see them. */
class ClusterViewTest {
  private final ClusterView view = new ClusterView(new ServiceMapper("cluster.local", "cluster.local", "Kubernetes"));
  private static final ObjectKey SLICE = new ObjectKey("default", "reviews-abc");
  private static final ObjectKey POD = new ObjectKey("default", "reviews-v1");

  private void reviews() {
    view.service(new ServiceInfo("default", "reviews", null, List.of(new ServiceInfo.Port("http", 9080, "HTTP", 9080)),
        List.of(), false, TrafficDistribution.ANY));
    view.slice(SLICE, new SliceInfo("reviews", List.of(new SliceInfo.Port("http", 9080)),
        List.of(new SliceInfo.Address("10.0.0.1", true, "reviews-v1", null, null))));
  }

  private static ServiceEndpoints onlyService(SourceUpdate update) {
    assertThat(update.items()).singleElement().isInstanceOf(SourceUpdate.Service.class);
    return ((SourceUpdate.Service) update.items().get(0)).service();
  }

  @Test
  void aPodSeenAfterItsSliceRelabelsTheEndpoint() {
    reviews();
    assertThat(onlyService(view.drain(false)).endpoints(9080).get(0).labels()).doesNotContainKey("version");

    view.pod(POD, new PodInfo(Map.of("version", "v1"), "bookinfo-reviews", "reviews-v1"));

    ServiceEndpoints s = onlyService(view.drain(false));
    assertThat(s.endpoints(9080).get(0).labels()).containsEntry("version", "v1");
    assertThat(s.endpoints(9080).get(0).principal()).isEqualTo("spiffe://cluster.local/ns/default/sa/bookinfo-reviews");
  }

  @Test
  void aServiceThatCannotBeReadIsSkippedWithoutHoldingUpOrLosingOtherChanges() {
    reviews();
    view.drain(false);
    // An external name on a port no endpoint can have: building its endpoints fails.
    view.service(new ServiceInfo("default", "broken", "db.example.com", List.of(new ServiceInfo.Port("tcp", 0, "TCP", 0)),
        List.of(), false, TrafficDistribution.ANY));
    ResourceKey vs = new ResourceKey("VirtualService", "default", "reviews");
    view.resource(vs, "{}");
    view.service(new ServiceInfo("default", "ratings", null, List.of(new ServiceInfo.Port("http", 9080, "HTTP", 9080)),
        List.of(), false, TrafficDistribution.ANY));

    SourceUpdate update = view.drain(false);
    assertThat(update.items()).hasSize(2).anySatisfy(c -> assertThat(c).isEqualTo(new SourceUpdate.Manifest(vs, vs.toString(), "{}")))
        .anySatisfy(c -> assertThat(c).isInstanceOfSatisfying(SourceUpdate.Service.class,
            u -> assertThat(u.service().host()).isEqualTo("ratings.default.svc.cluster.local")));
    assertThat(view.drain(false)).as("nothing is left behind to fail again").isNull();
  }

  @Test
  void whatChangesNothingDeliversNothing() {
    reviews();
    view.pod(POD, new PodInfo(Map.of("version", "v1"), "sa", "reviews-v1"));
    view.drain(false);

    view.pod(POD, new PodInfo(Map.of("version", "v1"), "sa", "reviews-v1")); // a status update
    view.pod(new ObjectKey("default", "unrelated"), new PodInfo(Map.of("app", "x"), "sa", "x"));
    reviews(); // a re-list with the same objects
    assertThat(view.drain(false)).isNull();
  }

  @Test
  void aSliceWithoutItsServiceDeliversNothingUntilTheServiceComes() {
    view.slice(SLICE, new SliceInfo("reviews", List.of(new SliceInfo.Port("http", 9080)),
        List.of(new SliceInfo.Address("10.0.0.1", true, null, null, null))));
    assertThat(view.drain(false)).isNull();

    reviews();
    assertThat(onlyService(view.drain(false)).endpoints(9080)).hasSize(1);

    view.deleteService(new ObjectKey("default", "reviews"));
    assertThat(view.drain(false).items())
        .containsExactly(new SourceUpdate.ServiceRemoval("reviews.default.svc.cluster.local", "default"));
  }

  @Test
  void aFullDrainHoldsEverythingAndNoDeletions() {
    ResourceKey vs = new ResourceKey("VirtualService", "default", "reviews");
    ResourceKey gone = new ResourceKey("VirtualService", "default", "gone");
    view.resource(vs, "{}");
    view.resource(gone, "{}");
    view.deleteResource(gone);
    reviews();

    SourceUpdate full = view.drain(true);

    assertThat(full.isFull()).isTrue();
    assertThat(full.items()).hasSize(2).anySatisfy(c -> assertThat(c).isEqualTo(new SourceUpdate.Manifest(vs, vs.toString(), "{}")))
        .anySatisfy(c -> assertThat(c).isInstanceOf(SourceUpdate.Service.class));
    assertThat(view.drain(false)).isNull();
  }

  @Test
  void aPodInTwoSlicesRelabelsItsServiceUntilBothAreGone() {
    reviews();
    ObjectKey moved = new ObjectKey("default", "reviews-def");
    // Kubernetes moving an endpoint between slices lists it in both for a while.
    view.slice(moved, new SliceInfo("reviews", List.of(new SliceInfo.Port("http", 9080)),
        List.of(new SliceInfo.Address("10.0.0.1", true, "reviews-v1", null, null))));
    view.drain(false);

    view.deleteSlice(SLICE);
    view.drain(false);
    view.pod(POD, new PodInfo(Map.of("version", "v2"), "sa", "reviews-v1"));
    assertThat(onlyService(view.drain(false)).endpoints(9080).get(0).labels())
        .as("the Pod still belongs to the other slice").containsEntry("version", "v2");

    view.deleteSlice(moved);
    view.drain(false);
    view.pod(POD, new PodInfo(Map.of("version", "v3"), "sa", "reviews-v1"));
    assertThat(view.drain(false)).as("the Pod belongs to no slice any more").isNull();
  }
}
