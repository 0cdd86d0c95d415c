package dev.mesh4j.spring.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.MeshContext;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/** The inbound filters capture the request's context: current for servlets, in the Reactor context for WebFlux. */
class MeshContextFiltersTests {
  final Mesh mesh = Mesh.builder().propagatedHeaders("end-user").build();

  @AfterEach
  void close() {
    mesh.close();
  }

  @Test
  void theServletFilterMakesTheContextCurrentWhileTheRequestIsHandled() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/productpage");
    request.addHeader("end-user", "jason");
    request.addHeader("x-request-id", "rid-1");
    AtomicReference<MeshContext> seen = new AtomicReference<>();
    MockFilterChain chain = new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
      @Override
      protected void service(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res) {
        seen.set(MeshContext.current());
      }
    });
    new MeshContextFilter(mesh).doFilter(request, new MockHttpServletResponse(), chain);
    assertThat(seen.get().header("end-user")).isEqualTo("jason");
    assertThat(seen.get().requestId()).isEqualTo("rid-1");
    assertThat(MeshContext.current().isEmpty()).as("closed after the request").isTrue();
  }

  @Test
  void theWebFilterPutsTheContextIntoTheReactorContext() {
    MockServerWebExchange exchange = MockServerWebExchange.from(
        MockServerHttpRequest.get("/productpage").header("end-user", "jason"));
    AtomicReference<MeshContext> seen = new AtomicReference<>();
    new MeshContextWebFilter(mesh).filter(exchange, e -> Mono.deferContextual(ctx -> {
      seen.set(ReactiveMeshContext.from(ctx));
      return Mono.empty();
    })).block();
    assertThat(seen.get().header("end-user")).isEqualTo("jason");
  }

  @Test
  void fromCallableMakesTheReactorContextCurrentForBlockingCode() {
    MeshContext jason = mesh.captureContext(java.util.Map.of("end-user", "jason")::get);
    String seen = ReactiveMeshContext.fromCallable(() -> MeshContext.current().header("end-user"))
        .contextWrite(c -> c.put(ReactiveMeshContext.KEY, jason)).block();
    assertThat(seen).isEqualTo("jason");
  }
}
