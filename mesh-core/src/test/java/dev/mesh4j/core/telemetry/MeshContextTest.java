package dev.mesh4j.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The inbound context: current for a scope, carried by wrapped executors, never leaked. */
class MeshContextTest {
  final ExecutorService pool = Executors.newSingleThreadExecutor();
  final ExecutorService wrapped = MeshContext.taskWrapping(pool);

  @AfterEach
  void tearDown() {
    wrapped.shutdownNow();
  }

  static MeshContext jason() {
    return MeshContext.capture(Map.of("end-user", "jason", "x-request-id", "rid-7")::get, List.of("end-user"));
  }

  @Test
  void aScopeMakesTheContextCurrentAndClosingRestoresThePreviousOne() {
    MeshContext outer = jason();
    MeshContext inner = MeshContext.capture(Map.of("x-request-id", "inner")::get);
    assertThat(MeshContext.current().isEmpty()).isTrue();
    try (MeshContext.Scope a = outer.makeCurrent()) {
      assertThat(MeshContext.current()).isEqualTo(outer);
      try (MeshContext.Scope b = inner.makeCurrent()) {
        assertThat(MeshContext.current().requestId()).isEqualTo("inner");
      }
      assertThat(MeshContext.current().requestId()).isEqualTo("rid-7");
    }
    assertThat(MeshContext.current()).isEqualTo(MeshContext.EMPTY);
  }

  @Test
  void tasksOfAWrappedExecutorRunInTheContextCurrentWhenSubmitted() throws Exception {
    MeshContext context = jason();
    CompletableFuture<String> seen = new CompletableFuture<>();
    try (MeshContext.Scope s = context.makeCurrent()) {
      wrapped.execute(() -> seen.complete(MeshContext.current().header("end-user")));
    }
    assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("jason");
    // Submitted after the scope closed: nothing current, and nothing left over on the pool thread.
    assertThat(wrapped.submit(() -> MeshContext.current().isEmpty()).get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.submit(() -> MeshContext.current().isEmpty()).get(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void outboundCallsFromWrappedTasksCarryTheContext() throws Exception {
    try (Mesh mesh = TelemetryFixtures.reviews().build()) {
      MeshContext context = mesh.captureContext(Map.of("end-user", "jason", "x-request-id", "rid-9")::get);
      CompletableFuture<RecordingExchange.Result> sent = new CompletableFuture<>();
      try (MeshContext.Scope s = context.makeCurrent()) {
        wrapped.execute(() -> {
          try {
            sent.complete(mesh.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange()));
          } catch (Exception e) {
            sent.completeExceptionally(e);
          }
        });
      }
      RecordingExchange.Result r = sent.get(5, TimeUnit.SECONDS);
      assertThat(r.target()).isEqualTo("10.0.0.2:9080");
      assertThat(r.sentHeader("x-request-id")).isEqualTo("rid-9");
      assertThat(r.sentHeader("end-user")).isEqualTo("jason");
      RecordingExchange.Result later = wrapped.submit(
          () -> mesh.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange())).get(5, TimeUnit.SECONDS);
      assertThat(later.target()).isEqualTo("10.0.0.1:9080");
      assertThat(later.sentHeader("x-request-id")).isNotEqualTo("rid-9");
    }
  }

  @Test
  void wrappedRunnablesAndCallablesCarryTheContextOfTheirWrapping() throws Exception {
    Runnable[] runnable = new Runnable[1];
    String[] seen = new String[1];
    try (MeshContext.Scope s = jason().makeCurrent()) {
      runnable[0] = MeshContext.wrap(() -> seen[0] = MeshContext.current().requestId());
    }
    Thread t = new Thread(runnable[0]);
    t.start();
    t.join();
    assertThat(seen[0]).isEqualTo("rid-7");
  }
}
