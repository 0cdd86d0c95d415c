package dev.mesh4j.spring.autoconfigure.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.okhttp.MeshOkHttp;
import dev.mesh4j.spring.autoconfigure.ReviewsBackends;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/** RestClient and RestTemplate over the mesh's request factory, against loopback backends. */
class MeshClientHttpRequestFactoryTests {
  final ReviewsBackends reviews = new ReviewsBackends();
  final Mesh mesh = Mesh.builder().configResource("mesh/reviews.yaml").propagatedHeaders("end-user")
      .registry(reviews.registerIn(new ServiceRegistry())).build();
  final OkHttpClient okHttp = MeshOkHttp.newClient(mesh);
  final RestClient client = RestClient.builder().requestFactory(new MeshClientHttpRequestFactory(okHttp)).build();

  @AfterEach
  void close() {
    mesh.close();
    reviews.close();
  }

  @Test
  void aRequestIsRoutedOnTheCurrentContext() {
    assertThat(client.get().uri("http://reviews:9080/r/1").retrieve().body(String.class)).isEqualTo("reviews-v1");
    try (MeshContext.Scope s = mesh.captureContext(Map.of("end-user", "jason", "x-request-id", "rid-7")::get)
        .makeCurrent()) {
      assertThat(client.get().uri("http://reviews:9080/r/1").retrieve().body(String.class)).isEqualTo("reviews-v2");
    }
    LoopbackBackend.Received got = reviews.v2.last();
    assertThat(got.header("end-user")).isEqualTo("jason");
    assertThat(got.header("x-request-id")).isEqualTo("rid-7");
    assertThat(got.header("host")).isEqualTo("reviews:9080");
  }

  @Test
  void bodiesHeadersAndStatusesGoBothWays() {
    reviews.v1.answer(r -> new LoopbackBackend.Answer(201, Map.of("x-echo", r.header("x-app")), r.method() + " " + r.body()));
    ResponseEntity<String> response = client.post().uri("http://reviews:9080/r").contentType(MediaType.APPLICATION_JSON)
        .header("x-app", "42").body("{\"stars\":5}").retrieve().toEntity(String.class);
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(response.getHeaders().getFirst("x-echo")).isEqualTo("42");
    assertThat(response.getBody()).isEqualTo("POST {\"stars\":5}");
    assertThat(reviews.v1.last().header("content-type")).isEqualTo("application/json");
    assertThat(reviews.v1.last().header("content-length")).isEqualTo("11");
  }

  @Test
  void aLocalReplyCarriesEnvoysFlag() {
    mesh.registry().register("ratings", 9080);
    ResponseEntity<String> noEndpoint = client.get().uri("http://ratings:9080/").retrieve()
        .onStatus(s -> true, (req, res) -> { }).toEntity(String.class);
    assertThat(noEndpoint.getStatusCode().value()).isEqualTo(503);
    assertThat(noEndpoint.getHeaders().getFirst("x-mesh4j-flags")).isEqualTo("UH");
  }

  @Test
  void restTemplateWorksOverTheSameFactory() {
    RestTemplate template = new RestTemplate(new MeshClientHttpRequestFactory(okHttp));
    try (MeshContext.Scope s = mesh.captureContext(Map.of("end-user", "jason")::get).makeCurrent()) {
      assertThat(template.getForObject("http://reviews:9080/r", String.class)).isEqualTo("reviews-v2");
    }
    assertThat(template.postForObject("http://reviews:9080/r", "x", String.class)).isEqualTo("reviews-v1");
  }
}
