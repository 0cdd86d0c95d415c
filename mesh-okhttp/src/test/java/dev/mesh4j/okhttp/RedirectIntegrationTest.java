package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.io.IOException;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redirects are followed as the client says, every hop going through the mesh. */
class RedirectIntegrationTest {
  LoopbackBackend web;
  LoopbackBackend ratings;
  Mesh mesh;

  @BeforeEach
  void start() {
    web = LoopbackBackend.start("web").answer(r -> switch (r.path()) {
      case "/relative" -> new Answer(302, Map.of("Location", "/landed"), "");
      case "/absolute" -> new Answer(302, Map.of("Location", "http://ratings:9080/rated"), "");
      default -> Answer.of(200, "web" + r.path() + " host=" + r.header("host"));
    });
    ratings = LoopbackBackend.start("ratings").answer(r -> Answer.of(200, "ratings" + r.path()));
    mesh = Mesh.builder()
        .registry(new ServiceRegistry().register("web", 8080, web.endpoint()).register("ratings", 9080, ratings.endpoint()))
        .configYaml("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web}
            spec:
              hosts: [web]
              http:
              - match: [{uri: {exact: /old}}]
                redirect: {uri: /new}
              - route: [{destination: {host: web}}]
            """).build();
  }

  @AfterEach
  void stop() {
    mesh.close();
    web.close();
    ratings.close();
  }

  static String get(OkHttpClient client, String url) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  @Test
  void followsAMeshRedirectRouteThroughTheMesh() throws IOException {
    assertThat(get(MeshOkHttp.newClient(mesh), "http://web:8080/old")).isEqualTo("200 web/new host=web:8080");
  }

  @Test
  void resolvesARelativeUpstreamLocationAgainstTheLogicalUrl() throws IOException {
    assertThat(get(MeshOkHttp.newClient(mesh), "http://web:8080/relative")).isEqualTo("200 web/landed host=web:8080");
  }

  @Test
  void followsAnUpstreamRedirectToAnotherServiceThroughTheMesh() throws IOException {
    assertThat(get(MeshOkHttp.newClient(mesh), "http://web:8080/absolute")).isEqualTo("200 ratings/rated");
    assertThat(ratings.last().header("host")).isEqualTo("ratings:9080");
  }

  @Test
  void leavesRedirectsToTheApplicationWhenItsClientDoesNotFollowThem() throws IOException {
    OkHttpClient client = MeshOkHttp.install(mesh, new OkHttpClient.Builder().followRedirects(false)).build();
    try (Response r = client.newCall(new Request.Builder().url("http://web:8080/old").build()).execute()) {
      assertThat(r.code()).isEqualTo(301);
      assertThat(r.header("location")).isEqualTo("http://web:8080/new");
    }
    assertThat(web.requestCount()).isZero();
  }

  @Test
  void readsTheClientsRedirectSettingWhenTheCallIsMadeWhateverTheBuilderOrder() throws IOException {
    OkHttpClient notFollowing = MeshOkHttp.install(mesh, new OkHttpClient.Builder()).followRedirects(false).build();
    try (Response r = notFollowing.newCall(new Request.Builder().url("http://web:8080/old").build()).execute()) {
      assertThat(r.code()).isEqualTo(301);
    }
    OkHttpClient following = MeshOkHttp.install(mesh, new OkHttpClient.Builder().followRedirects(false))
        .followRedirects(true).build();
    assertThat(get(following, "http://web:8080/relative")).isEqualTo("200 web/landed host=web:8080");
    assertThat(get(following.newBuilder().followRedirects(false).build(), "http://web:8080/relative"))
        .startsWith("302");
  }
}
