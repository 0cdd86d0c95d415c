package dev.mesh4j.spring.autoconfigure.web;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.MeshContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Captures each inbound servlet request's context ({@code x-request-id}, trace, baggage and the
 * {@code mesh.propagation.headers}) and makes it current while the request is handled, so that
 * every meshed call made for it carries them and is routed on them. Async dispatches are captured
 * again; work handed to Boot's task executors carries the context through the starter's
 * {@code TaskDecorator}.
 */
public final class MeshContextFilter extends OncePerRequestFilter implements Ordered {
  /** Early, so that the context is current for every other filter and the handler. */
  public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

  private final Mesh mesh;

  public MeshContextFilter(Mesh mesh) {
    this.mesh = requireNonNull(mesh, "mesh");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    MeshContext context = mesh.captureContext(request::getHeader);
    try (MeshContext.Scope scope = context.makeCurrent()) {
      chain.doFilter(request, response);
    }
  }

  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return false;
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
