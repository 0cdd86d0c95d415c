package dev.mesh4j.spring.autoconfigure.web;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.context.MeshContext;
import java.util.concurrent.Callable;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The inbound request's {@link MeshContext} in a reactive (WebFlux) application, where a request
 * is not bound to a thread: {@link MeshContextWebFilter} puts it into the Reactor context of the
 * request's chain under {@link #KEY}; the meshed {@code WebClient} connector reads it from there.
 *
 * <p>Blocking meshed calls made from a reactive chain (an {@code OkHttpClient} or
 * {@code RestClient} on {@code boundedElastic}) do not see the Reactor context by themselves: run
 * them through {@link #fromCallable(Callable)}, which makes the context current around the call.
 */
public final class ReactiveMeshContext {
  /** The Reactor context key holding the request's {@link MeshContext}. */
  public static final Class<MeshContext> KEY = MeshContext.class;

  private ReactiveMeshContext() {}

  /** The context in a Reactor context view, or {@link MeshContext#EMPTY}. */
  public static MeshContext from(ContextView context) {
    return context.getOrDefault(KEY, MeshContext.EMPTY);
  }

  /**
   * Calls {@code call} on subscription with the request's context current, so that meshed calls it
   * makes carry the inbound request id, trace and headers:
   * {@code ReactiveMeshContext.fromCallable(() -> restClient.get().uri(...).retrieve().body(String.class)).subscribeOn(Schedulers.boundedElastic())}.
   */
  public static <T> Mono<T> fromCallable(Callable<? extends T> call) {
    requireNonNull(call, "call");
    return Mono.deferContextual(ctx -> {
      MeshContext context = from(ctx);
      return Mono.fromCallable(() -> {
        if (context.isEmpty()) {
          return call.call();
        }
        try (MeshContext.Scope scope = context.makeCurrent()) {
          return call.call();
        }
      });
    });
  }
}
