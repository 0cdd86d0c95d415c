package dev.mesh4j.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's own HTTP server, over real loopback HTTP. */
class ConsoleServerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  Mesh mesh;
  MeshConsole.Server server;

  @BeforeEach
  void start() {
    mesh = Mesh.builder().configYaml("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - match: [{headers: {end-user: {exact: jason}}}]
                route: [{destination: {host: reviews, subset: v2}}]
              - route: [{destination: {host: reviews, subset: v1}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
            """)
        .registry(new ServiceRegistry().register("reviews", 9080,
            Endpoint.of("10.0.0.1", 9080).withLabel("version", "v1"),
            Endpoint.of("10.0.0.2", 9080).withLabel("version", "v2")))
        .build();
    server = MeshConsole.start(mesh, 0);
  }

  @AfterEach
  void stop() {
    server.close();
    mesh.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesOnLoopbackOneSelfContainedPageWhoseScriptAndStyleThePolicyAllows() throws Exception {
    assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(server.uri().toString()).startsWith("http://127.0.0.1:").endsWith("/");
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    String html = page.body();
    // Nothing from elsewhere: no element or rule that loads anything, and a policy that forbids it.
    assertThat(html).doesNotContain("src=").doesNotContain("href=").doesNotContain("<link").doesNotContain("@import")
        .doesNotContain("url(").doesNotContain("https://");
    String policy = page.headers().firstValue("content-security-policy").orElseThrow();
    assertThat(policy).startsWith("default-src 'none';").contains("connect-src 'self'");
    assertThat(html).contains("content=\"" + policy + "\"");
    assertThat(policy).contains("'" + sha256(between(html, "<script>", "</script>")) + "'")
        .contains("'" + sha256(between(html, "<style>", "</style>")) + "'");
  }

  @Test
  void theStateDocumentIsJsonWithTheConfigurationAndTheLiveTraffic() throws Exception {
    HttpResponse<String> r = get("/state");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    JsonNode state = JSON.readTree(r.body());
    assertThat(state.get("console").get("windowSeconds").asInt()).isEqualTo(60);
    assertThat(state.get("mesh").get("version").asLong()).isEqualTo(mesh.version());
    assertThat(state.get("services")).isEmpty();
    assertThat(state.get("timeline")).isEmpty();
  }

  @Test
  void explainAnswersForAUrlAndHeadersAndRefusesBadInputWithAReason() throws Exception {
    HttpResponse<String> r = get("/explain?url=" + enc("http://reviews:9080/reviews/1") + "&header=" + enc("end-user: jason"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("text").asText()).contains("VirtualService:   default/reviews")
        .contains("outbound|9080|v2|reviews.default.svc.cluster.local");
    assertThat(body.get("explanation").get("cluster").asText()).isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");

    HttpResponse<String> noUrl = get("/explain");
    assertThat(noUrl.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noUrl.body()).get("error").asText()).startsWith("explain needs a url");
    HttpResponse<String> badHeader = get("/explain?url=" + enc("http://reviews/") + "&header=nocolon");
    assertThat(badHeader.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badHeader.body()).get("error").asText()).isEqualTo("header \"nocolon\" (expected: name:value)");
    HttpResponse<String> badUrl = get("/explain?url=" + enc("not a url"));
    assertThat(badUrl.statusCode()).isEqualTo(400);
  }

  @Test
  void answersGetOnlyAndNotFoundElsewhere() throws Exception {
    assertThat(get("/nothing").statusCode()).isEqualTo(404);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.uri().resolve("/state"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
  }

  @Test
  void onLoopbackItRefusesRequestsAddressedToAnotherHostAsARebindingPageWouldSend() throws Exception {
    assertThat(raw("Host: evil.example:" + server.address().getPort())).startsWith("HTTP/1.1 403");
    assertThat(raw("Host: localhost:" + server.address().getPort())).startsWith("HTTP/1.1 200");
    assertThat(raw("Host: 127.0.0.1")).startsWith("HTTP/1.1 200");
    assertThat(ConsoleHttpServer.isLoopbackHost("[::1]:9901")).isTrue();
    assertThat(ConsoleHttpServer.isLoopbackHost("127.1.2.3")).isTrue();
    assertThat(ConsoleHttpServer.isLoopbackHost("10.0.0.1:80")).isFalse();
    assertThat(ConsoleHttpServer.isLoopbackHost("localhost.evil.example")).isFalse();
    assertThat(ConsoleHttpServer.isLoopbackHost(null)).isFalse();
  }

  /**
   * The JDK server holds each kept-alive exchange ~40 ms without TCP_NODELAY (headers and body
   * are two writes); starting a console turns it on unless the application decided.
   */
  @Test
  void keptAliveRequestsAreNotHeldByNaglesAlgorithm() throws Exception {
    assertThat(System.getProperty(ConsoleHttpServer.NODELAY)).isEqualTo("true");
    get("/state");  // the connection is open and warm
    int n = 21;
    long[] millis = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      assertThat(get("/state").statusCode()).isEqualTo(200);
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    Arrays.sort(millis);
    // ~40 ms each with the stall, every time; well under that without it. The median, so that a
    // busy machine's occasional slow request does not decide.
    assertThat(millis[n / 2]).as("median of %s ms", Arrays.toString(millis)).isLessThan(30);
  }

  private String raw(String hostHeader) throws IOException {
    try (Socket s = new Socket(server.address().getAddress(), server.address().getPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET /state HTTP/1.1\r\n" + hostHeader + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String between(String s, String open, String close) {
    Matcher m = Pattern.compile(Pattern.quote(open) + "(.*?)" + Pattern.quote(close), Pattern.DOTALL).matcher(s);
    assertThat(m.find()).as("%s…%s in the page", open, close).isTrue();
    return m.group(1);
  }

  static String sha256(String s) throws Exception {
    return "sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
