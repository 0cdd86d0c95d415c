package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbound traffic policy holds for every connection the client makes, whatever order the
 * application configured its builder in: nothing below the mesh (OkHttp's own redirect
 * following, an interceptor added after the mesh) reaches an address the mesh did not choose.
 * The unknown host is a raw peer that counts connections; {@code evil.test} resolves to it
 * through the client's own DNS.
 */
class EgressGuardIntegrationTest {
  RawPeer unknown;
  LoopbackBackend web;
  Mesh mesh;
  volatile String location;

  /** The application's DNS: {@code evil.test} is the unknown peer, anything else is not found. */
  final Dns dns = host -> {
    if (host.equals("evil.test")) {
      return List.of(InetAddress.getByName("127.0.0.1"));
    }
    throw new UnknownHostException(host);
  };

  @BeforeEach
  void start() {
    unknown = RawPeer.start(c -> {
      if (c.readRequest() != null) {
        c.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nstolen");
      }
    });
    web = LoopbackBackend.start("web").answer(r -> r.path().equals("/go")
        ? new Answer(302, Map.of("Location", location), "") : Answer.of(200, "web"));
    mesh = Mesh.builder().registry(new ServiceRegistry().register("web", 8080, web.endpoint()))
        .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY).build();
  }

  @AfterEach
  void stop() {
    mesh.close();
    web.close();
    unknown.close();
  }

  static Response get(OkHttpClient client, String url) throws IOException {
    return client.newCall(new Request.Builder().url(url).build()).execute();
  }

  @Test
  void aRedirectToAnUnknownHostIsBlockedWhenFollowRedirectsIsSetAfterInstall() throws IOException {
    for (String target : List.of("http://evil.test:" + unknown.port() + "/steal",
        "http://127.0.0.1:" + unknown.port() + "/steal")) {
      location = target;
      OkHttpClient client = MeshOkHttp.install(mesh, new OkHttpClient.Builder().dns(dns))
          .followRedirects(true).build();
      try (Response r = get(client, "http://web:8080/go")) {
        assertThat(r.code()).as(target).isEqualTo(502);
        assertThat(r.body().string()).isEmpty();
      }
    }
    assertThat(unknown.connections()).as("no connection reached the unknown host").isZero();
  }

  @Test
  void anInterceptorBelowTheMeshCannotSendTheRequestToAnotherAddress() {
    OkHttpClient client = MeshOkHttp.install(mesh, new OkHttpClient.Builder().dns(dns))
        // Added after install(): it runs below the mesh and sees the request the mesh sends.
        .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
            .url(chain.request().url().newBuilder().host("evil.test").port(unknown.port()).build()).build()))
        .build();
    assertThatThrownBy(() -> get(client, "http://web:8080/").close())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("evil.test");
    OkHttpClient literal = MeshOkHttp.install(mesh, new OkHttpClient.Builder())
        .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
            .url(chain.request().url().newBuilder().port(unknown.port()).build()).build()))
        .build();
    assertThatThrownBy(() -> get(literal, "http://web:8080/").close())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("127.0.0.1:" + unknown.port());
    assertThat(unknown.connections()).as("no connection reached the unknown address").isZero();
    assertThat(web.requestCount()).isZero();
  }

  @Test
  void passthroughUnderAllowAnyStillReachesTheHostTheApplicationNamed() throws IOException {
    try (Mesh allowAny = Mesh.builder().registry(new ServiceRegistry().register("web", 8080, web.endpoint()))
        .build()) {
      location = "http://evil.test:" + unknown.port() + "/elsewhere";
      OkHttpClient client = MeshOkHttp.install(allowAny, new OkHttpClient.Builder().dns(dns)).build();
      try (Response r = get(client, "http://web:8080/go")) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).isEqualTo("stolen");
      }
      assertThat(unknown.requests()).hasSize(1);
      assertThat(unknown.requests().get(0)).startsWith("GET /elsewhere HTTP/1.1").contains("Host: evil.test:");
    }
  }
}
