package dev.mesh4j.spring.autoconfigure.web;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.MeshContext;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Captures each inbound WebFlux request's context and puts it into the Reactor context of the
 * request's chain ({@link ReactiveMeshContext#KEY}), where the meshed {@code WebClient} finds it.
 * A reactive request has no thread of its own, so the context is not "current" in a thread-local
 * sense: blocking meshed calls made from the chain go through
 * {@link ReactiveMeshContext#fromCallable}.
 */
public final class MeshContextWebFilter implements WebFilter, Ordered {
  private final Mesh mesh;

  public MeshContextWebFilter(Mesh mesh) {
    this.mesh = requireNonNull(mesh, "mesh");
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    HttpHeaders headers = exchange.getRequest().getHeaders();
    MeshContext context = mesh.captureContext(headers::getFirst);
    if (context.isEmpty()) {
      return chain.filter(exchange);
    }
    return chain.filter(exchange).contextWrite(ctx -> ctx.put(ReactiveMeshContext.KEY, context));
  }

  @Override
  public int getOrder() {
    return MeshContextFilter.ORDER;
  }
}
