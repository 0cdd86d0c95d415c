package dev.mesh4j.spring.autoconfigure.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.okhttp.MeshOkHttp;
import dev.mesh4j.spring.autoconfigure.ReviewsBackends;
import dev.mesh4j.spring.autoconfigure.web.ReactiveMeshContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

/** WebClient over the mesh's connector: the context comes from the Reactor context. */
class MeshClientHttpConnectorTests {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final ReviewsBackends reviews = new ReviewsBackends();
  final Mesh mesh = Mesh.builder().configResource("mesh/reviews.yaml").propagatedHeaders("end-user")
      .registry(reviews.registerIn(new ServiceRegistry())).build();
  final WebClient client = WebClient.builder()
      .clientConnector(new MeshClientHttpConnector(MeshOkHttp.newClient(mesh))).build();

  @AfterEach
  void close() {
    mesh.close();
    reviews.close();
  }

  @Test
  void theContextInTheReactorContextRoutesTheCall() {
    MeshContext jason = mesh.captureContext(Map.of("end-user", "jason")::get);
    assertThat(client.get().uri("http://reviews:9080/r").retrieve().bodyToMono(String.class).block(TIMEOUT))
        .isEqualTo("reviews-v1");
    assertThat(client.get().uri("http://reviews:9080/r").retrieve().bodyToMono(String.class)
        .contextWrite(c -> c.put(ReactiveMeshContext.KEY, jason)).block(TIMEOUT)).isEqualTo("reviews-v2");
    assertThat(reviews.v2.last().header("end-user")).isEqualTo("jason");
  }

  @Test
  void aContextCurrentOnTheSubscribingThreadIsUsedToo() {
    try (MeshContext.Scope s = mesh.captureContext(Map.of("end-user", "jason")::get).makeCurrent()) {
      assertThat(client.get().uri("http://reviews:9080/r").retrieve().bodyToMono(String.class).block(TIMEOUT))
          .isEqualTo("reviews-v2");
    }
  }

  @Test
  void bodiesHeadersCookiesAndStatusesGoBothWays() {
    reviews.v1.answer(r -> new LoopbackBackend.Answer(202,
        Map.of("set-cookie", "session=abc; Path=/; HttpOnly", "x-echo", String.valueOf(r.header("cookie"))),
        r.method() + " " + r.body()));
    ResponseEntity<String> response = client.put().uri("http://reviews:9080/r").contentType(MediaType.TEXT_PLAIN)
        .cookie("user", "ann").bodyValue("five stars").retrieve().toEntity(String.class).block(TIMEOUT);
    assertThat(response.getStatusCode().value()).isEqualTo(202);
    assertThat(response.getBody()).isEqualTo("PUT five stars");
    assertThat(response.getHeaders().getFirst("x-echo")).isEqualTo("user=ann");
    assertThat(client.get().uri("http://reviews:9080/r").exchangeToMono(r -> reactor.core.publisher.Mono.just(
        r.cookies().getFirst("session").getValue())).block(TIMEOUT)).isEqualTo("abc");
  }
}
