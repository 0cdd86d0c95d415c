package dev.mesh4j.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.net.Authenticator;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What the application's client settings do above the mesh: a {@code Basic} challenge answered
 * with its {@code Authenticator}, asked for the logical host; cookies of its {@code CookieHandler}
 * kept against the logical URI, never the endpoint's address.
 */
class FollowUpsIntegrationTest {

  @Test
  void aBasicChallengeIsAnsweredWithTheApplicationsAuthenticatorForTheLogicalHost() throws Exception {
    List<String> askedFor = new CopyOnWriteArrayList<>();
    try (LoopbackBackend web = LoopbackBackend.start("web").answer(r -> r.header("authorization") == null
            ? new Answer(401, Map.of("WWW-Authenticate", "Basic realm=\"shop\""), "") : Answer.of(200, "in"));
        Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("web", 8080, web.endpoint())).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh, HttpClient.newBuilder().authenticator(new Authenticator() {
        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
          askedFor.add(getRequestingHost() + " " + getRequestingPrompt());
          return new PasswordAuthentication("user", "pass".toCharArray());
        }
      }));
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://web:8080/account")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("in");
      assertThat(r.previousResponse()).hasValueSatisfying(p -> assertThat(p.statusCode()).isEqualTo(401));
      assertThat(askedFor).containsExactly("web shop");
      assertThat(web.last().header("authorization")).isEqualTo("Basic dXNlcjpwYXNz");
      assertThat(web.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void cookiesAreKeptForTheLogicalUriAndSentToWhicheverEndpointIsPicked() throws Exception {
    try (LoopbackBackend a = LoopbackBackend.start("a").answer(FollowUpsIntegrationTest::session);
        LoopbackBackend b = LoopbackBackend.start("b").answer(FollowUpsIntegrationTest::session);
        // Seeded: the default balancer picks at random between the two idle endpoints.
        Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("web", 8080, a.endpoint(), b.endpoint()))
            .random(RandomSource.seeded(1)).build()) {
      CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
      HttpClient client = MeshJdkHttp.newClient(mesh, HttpClient.newBuilder().cookieHandler(cookies));
      client.send(HttpRequest.newBuilder(URI.create("http://web:8080/login")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(cookies.getCookieStore().get(URI.create("http://web:8080/")))
          .as("stored for the logical URI").anySatisfy(c -> assertThat(c.getName()).isEqualTo("session"));
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://web:8080/account")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).as("sent to %s", r.headers().firstValue("x-backend").orElse("?")).isEqualTo("session=abc");
      }
      assertThat(a.requestCount()).isPositive();
      assertThat(b.requestCount()).isPositive();
    }
  }

  static Answer session(LoopbackBackend.Received r) {
    if (r.path().equals("/login")) {
      return new Answer(200, Map.of("Set-Cookie", "session=abc; Path=/"), "welcome");
    }
    String cookie = r.header("cookie");
    return Answer.of(200, cookie == null ? "none" : cookie);
  }
}
