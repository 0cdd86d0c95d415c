package dev.mesh4j.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.testing.TestSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A commit taken back leaves a source's state exactly as it was, order included. */
class SourceHubUndoTest {
  private final SourceHub hub = new SourceHub(Workload.builder().namespace("default").build());

  static String vs(String name) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %s, namespace: default}
        spec:
          hosts: [%s]
          http: [{route: [{destination: {host: %s}}]}]
        """.formatted(name, name, name);
  }

  static ResourceKey key(String name) {
    return new ResourceKey("VirtualService", "default", name);
  }

  static ServiceEndpoints service(String host, String ip) {
    return ServiceEndpoints.builder(host, "default").port(new ServicePort(9080, "HTTP", "http", null))
        .endpoint(9080, Endpoint.of(ip, 9080)).build();
  }

  /** The state as a comparable value: resource keys in order, rejections, services in order. */
  static List<Object> view(SourceState s) {
    return List.of(s.resources.entrySet().stream().map(Map.Entry::copyOf).toList(), Map.copyOf(s.rejected),
        s.services.entrySet().stream().map(Map.Entry::copyOf).toList(), s.refused);
  }

  private SourceState filled() {
    SourceState state = hub.add(TestSource.perResource("watched", SourceUpdate.replaceAll().build()), Instant.EPOCH);
    hub.commit(hub.stage(state, SourceUpdate.replaceAll()
        .manifest(key("a"), "w", vs("a")).manifest(key("b"), "w", vs("b")).manifest(key("c"), "w", vs("c"))
        .service(service("a", "10.0.0.1")).service(service("b", "10.0.0.2")).build()));
    return state;
  }

  @Test
  void aChangeSetThatDeletesReplacesAndAddsIsTakenBackInOrder() {
    SourceState state = filled();
    List<Object> before = view(state);

    SourceHub.Effect e = hub.commit(hub.stage(state, SourceUpdate.changes()
        .delete(key("a")).manifest(key("b"), "w", vs("b").replace("hosts: [b]", "hosts: [b, bb]"))
        .manifest(key("d"), "w", vs("d")).manifest(key("bad"), "w", vs("bad").replace("http:", "htp:"))
        .service(service("a", "10.0.0.9")).removeService("b", "default").build()));
    assertThat(view(state)).isNotEqualTo(before);

    e.undo().rollback();

    assertThat(view(state)).isEqualTo(before);
  }

  @Test
  void aChangeSetWithoutDeletesIsTakenBackFromTheChangedKeysAlone() {
    SourceState state = filled();
    List<Object> before = view(state);

    SourceHub.Effect e = hub.commit(hub.stage(state, SourceUpdate.changes()
        .manifest(key("a"), "w", vs("a").replace("hosts: [a]", "hosts: [a, aa]")).manifest(key("e"), "w", vs("e"))
        .service(service("b", "10.0.0.8")).build()));
    e.undo().rollback();

    assertThat(view(state)).isEqualTo(before);
  }

  @Test
  void aFullUpdateIsTakenBack() {
    SourceState state = filled();
    List<Object> before = view(state);

    SourceHub.Effect e = hub.commit(hub.stage(state, SourceUpdate.replaceAll()
        .manifest(key("c"), "w", vs("c")).manifest(key("z"), "w", vs("z")).service(service("z", "10.0.0.7")).build()));
    assertThat(view(state)).isNotEqualTo(before);
    e.undo().rollback();

    assertThat(view(state)).isEqualTo(before);
  }
}
