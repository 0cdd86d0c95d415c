package dev.mesh4j.spring.autoconfigure.client;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.spring.autoconfigure.web.ReactiveMeshContext;
import java.io.IOException;
import java.net.URI;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import reactor.core.publisher.Mono;

/**
 * A {@link ClientHttpConnector} that sends through a meshed {@link OkHttpClient}, for
 * {@code WebClient}.
 *
 * <pre>{@code
 * WebClient client = WebClient.builder().clientConnector(new MeshClientHttpConnector(meshedOkHttp)).build();
 * }</pre>
 *
 * <p>The call is enqueued on OkHttp's dispatcher with the inbound request's context: the one in
 * the Reactor context ({@link ReactiveMeshContext}, put there by the WebFlux filter), else the
 * one current on the subscribing thread. Request bodies are buffered (a retry can resend them);
 * response bodies are read on {@code boundedElastic}. Cancelling the subscription cancels the
 * call. Thread-safe.
 */
public final class MeshClientHttpConnector implements ClientHttpConnector {
  private final OkHttpClient client;
  private final DataBufferFactory bufferFactory = DefaultDataBufferFactory.sharedInstance;

  /** A connector sending through {@code client}, which should have a mesh installed ({@code MeshOkHttp}). */
  public MeshClientHttpConnector(OkHttpClient client) {
    this.client = requireNonNull(client, "client");
  }

  @Override
  public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
      Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
    OkHttpReactiveRequest request = new OkHttpReactiveRequest(method, uri, bufferFactory);
    return requestCallback.apply(request)
        .then(Mono.deferContextual(ctx -> send(request, ReactiveMeshContext.from(ctx))));
  }

  private Mono<ClientHttpResponse> send(OkHttpReactiveRequest request, MeshContext context) {
    return Mono.create(sink -> {
      Call call = client.newCall(request.toOkHttp());
      sink.onCancel(call::cancel);
      Callback callback = new Callback() {
        @Override
        public void onFailure(Call c, IOException e) {
          sink.error(e);
        }

        @Override
        public void onResponse(Call c, Response response) {
          sink.success(new OkHttpReactiveResponse(response, bufferFactory));
        }
      };
      // mesh-okhttp captures the context current at enqueue() for the call.
      if (context.isEmpty()) {
        call.enqueue(callback);
      } else {
        try (MeshContext.Scope scope = context.makeCurrent()) {
          call.enqueue(callback);
        }
      }
    });
  }
}
