package dev.mesh4j.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What leaves the process through the JDK transport: a redirect the application's client follows
 * goes through the mesh again, so an address the outbound policy does not allow is never
 * reached; and the one resend the JDK makes by itself below the mesh, pinned so that
 * docs/transports.md stays true.
 */
class EgressIntegrationTest {
  final List<AutoCloseable> closeAfter = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  /** A peer that reads each request (its head, recorded) and then runs {@code after} on the connection. */
  ServerSocket peer(List<String> heads, AtomicInteger connections, Connection after) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closeAfter.add(server);
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          connections.incrementAndGet();
          InputStream in = s.getInputStream();
          StringBuilder head = new StringBuilder();
          int state = 0;
          int b;
          while (state < 4 && (b = in.read()) != -1) {
            head.append((char) b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
          }
          if (state == 4) {
            heads.add(head.toString());
            after.run(s);
          }
        } catch (IOException e) {
          // closed, or the client went away
        }
      }
    }, "peer");
    t.setDaemon(true);
    t.start();
    return server;
  }

  interface Connection {
    void run(Socket s) throws IOException;
  }

  @Test
  void aRedirectToAnAddressThePolicyDoesNotAllowIsAnsweredByTheMeshAndNothingReachesIt() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    ServerSocket unknown = peer(new CopyOnWriteArrayList<>(), connections, s -> s.getOutputStream().write(
        "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nstolen".getBytes(StandardCharsets.US_ASCII)));
    String[] location = new String[1];
    LoopbackBackend web = LoopbackBackend.start("web").answer(r -> r.path().equals("/go")
        ? new Answer(302, Map.of("Location", location[0]), "") : Answer.of(200, "web"));
    closeAfter.add(web);
    try (Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("web", 8080, web.endpoint()))
        .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS));
      for (String target : List.of("http://127.0.0.1:" + unknown.getLocalPort() + "/steal",
          "http://localhost:" + unknown.getLocalPort() + "/steal")) {
        location[0] = target;
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://web:8080/go")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(target).isEqualTo(502);
        assertThat(r.body()).as("BlackHole: an empty answer").isEmpty();
        assertThat(r.uri()).as("the application sees the redirect's target").isEqualTo(URI.create(target));
      }
      assertThat(connections.get()).as("no connection reached the address the policy does not allow").isZero();
    }
  }

  @Test
  void theJdkResendsAnIdempotentRequestOnceWhenItsConnectionDropsBeforeAnyResponseByte() throws Exception {
    List<String> heads = new CopyOnWriteArrayList<>();
    AtomicInteger connections = new AtomicInteger();
    ServerSocket drops = peer(heads, connections, s -> { });
    try (Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("web", 8080,
        Endpoint.of("127.0.0.1", drops.getLocalPort()))).configYaml("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web}
            spec:
              hosts: [web]
              http:
              - route: [{destination: {host: web}}]
                retries: {attempts: 0}
            """).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh);
      HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create("http://web:8080/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(503);
      assertThat(get.headers().firstValue("x-mesh4j-flags")).hasValue("UC");
      assertThat(heads).as("the mesh made one attempt; the JDK sent it twice, to the same address").hasSize(2)
          .allSatisfy(h -> assertThat(h).containsIgnoringCase("x-envoy-attempt-count: 1"));
      heads.clear();
      HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://web:8080/"))
          .POST(HttpRequest.BodyPublishers.ofString("order")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(503);
      assertThat(heads).as("a POST is not resent by the JDK").hasSize(1);
    }
  }
}
