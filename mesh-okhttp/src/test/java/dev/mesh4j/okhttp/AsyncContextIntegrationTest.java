package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.testing.LoopbackBackend;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inbound context reaches outbound calls made asynchronously: OkHttp's {@code enqueue()},
 * callbacks wrapped with {@link MeshOkHttp#inContext}, tasks of a context-wrapping executor; and
 * it does not leak to threads after its scope closes.
 */
class AsyncContextIntegrationTest {
  static final String URL = "http://reviews:9080/reviews/1";

  LoopbackBackend v1;
  LoopbackBackend v2;
  Mesh mesh;
  OkHttpClient client;
  final List<String> appEvents = new CopyOnWriteArrayList<>();
  final ExecutorService workers = MeshContext.taskWrapping(Executors.newFixedThreadPool(2));

  @BeforeEach
  void start() {
    v1 = LoopbackBackend.start("reviews-v1", Map.of("version", "v1"));
    v2 = LoopbackBackend.start("reviews-v2", Map.of("version", "v2"));
    mesh = Mesh.builder()
        .registry(new ServiceRegistry().register("reviews", 9080, v1.endpoint(), v2.endpoint()))
        .configYaml("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - match: [{headers: {end-user: {exact: jason}}}]
                route: [{destination: {host: reviews, subset: v2}}]
              - route: [{destination: {host: reviews, subset: v1}}]
            """)
        .propagatedHeaders("end-user")
        .random(RandomSource.seeded(3))
        .build();
    // The application's own event listener keeps working next to the mesh's.
    OkHttpClient.Builder b = new OkHttpClient.Builder().eventListener(new EventListener() {
      @Override
      public void callStart(Call call) {
        appEvents.add("callStart " + call.request().url().encodedPath());
      }
    });
    client = MeshOkHttp.install(mesh, b).build();
  }

  @AfterEach
  void stop() {
    workers.shutdownNow();
    mesh.close();
    v1.close();
    v2.close();
  }

  MeshContext jason() {
    return mesh.captureContext(Map.of("end-user", "jason", "x-request-id", "rid-async",
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")::get);
  }

  static Request get() {
    return new Request.Builder().url(URL).build();
  }

  /** Completes with "status body" and what the callback saw as current. */
  static class Recorder implements Callback {
    final CompletableFuture<String> answer = new CompletableFuture<>();
    final CompletableFuture<MeshContext> current = new CompletableFuture<>();

    @Override
    public void onFailure(Call call, IOException e) {
      current.complete(MeshContext.current());
      answer.completeExceptionally(e);
    }

    @Override
    public void onResponse(Call call, Response response) throws IOException {
      current.complete(MeshContext.current());
      try (response) {
        answer.complete(response.code() + " " + response.body().string());
      }
    }
  }

  @Test
  void anEnqueuedCallCarriesTheContextCurrentWhenItWasEnqueued() throws Exception {
    Recorder recorder = new Recorder();
    try (MeshContext.Scope s = jason().makeCurrent()) {
      client.newCall(get()).enqueue(recorder);
    }
    assertThat(recorder.answer.get(5, TimeUnit.SECONDS)).isEqualTo("200 reviews-v2");
    LoopbackBackend.Received got = v2.last();
    assertThat(got.header("end-user")).isEqualTo("jason");
    assertThat(got.header("x-request-id")).isEqualTo("rid-async");
    assertThat(got.header("traceparent")).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
    // The plain callback runs on the dispatcher thread, outside the context: nothing leaks there.
    assertThat(recorder.current.get(5, TimeUnit.SECONDS).isEmpty()).isTrue();
    assertThat(appEvents).containsExactly("callStart /reviews/1");
  }

  @Test
  void aWrappedCallbackRunsInTheContextSoItsOwnCallsCarryItToo() throws Exception {
    CompletableFuture<String> chained = new CompletableFuture<>();
    Recorder first = new Recorder() {
      @Override
      public void onResponse(Call call, Response response) throws IOException {
        super.onResponse(call, response);
        try (Response second = client.newCall(get()).execute()) {
          chained.complete(second.body().string() + " " + v2.last().header("x-request-id"));
        }
      }
    };
    try (MeshContext.Scope s = jason().makeCurrent()) {
      client.newCall(get()).enqueue(MeshOkHttp.inContext(first));
    }
    assertThat(first.current.get(5, TimeUnit.SECONDS).header("end-user")).isEqualTo("jason");
    assertThat(chained.get(5, TimeUnit.SECONDS)).isEqualTo("reviews-v2 rid-async");
  }

  @Test
  void afterTheScopeClosesNeitherThisThreadNorTheDispatcherCarriesIt() throws Exception {
    try (MeshContext.Scope s = jason().makeCurrent()) {
      Recorder during = new Recorder();
      client.newCall(get()).enqueue(during);
      assertThat(during.answer.get(5, TimeUnit.SECONDS)).isEqualTo("200 reviews-v2");
    }
    for (int i = 0; i < 4; i++) {
      Recorder after = new Recorder();
      client.newCall(get()).enqueue(after);
      assertThat(after.answer.get(5, TimeUnit.SECONDS)).isEqualTo("200 reviews-v1");
      assertThat(v1.last().header("end-user")).isNull();
      assertThat(v1.last().header("x-request-id")).isNotEqualTo("rid-async");
    }
    try (Response r = client.newCall(get()).execute()) {
      assertThat(r.body().string()).isEqualTo("reviews-v1");
    }
  }

  @Test
  void tasksOnAContextWrappingExecutorCallWithTheContextOfTheirSubmitter() throws Exception {
    CompletableFuture<String> inTask;
    try (MeshContext.Scope s = jason().makeCurrent()) {
      inTask = CompletableFuture.supplyAsync(() -> {
        try (Response r = client.newCall(get()).execute()) {
          return r.body().string();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }, workers);
    }
    assertThat(inTask.get(5, TimeUnit.SECONDS)).isEqualTo("reviews-v2");
    assertThat(v2.last().header("x-request-id")).isEqualTo("rid-async");
    String later = CompletableFuture.supplyAsync(() -> {
      try (Response r = client.newCall(get()).execute()) {
        return r.body().string();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }, workers).get(5, TimeUnit.SECONDS);
    assertThat(later).isEqualTo("reviews-v1");
  }
}
