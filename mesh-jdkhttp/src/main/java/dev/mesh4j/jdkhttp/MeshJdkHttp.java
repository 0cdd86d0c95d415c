package dev.mesh4j.jdkhttp;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.MeshContext;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;

/**
 * Makes JDK {@link HttpClient}s whose requests go through a {@link Mesh}, for applications
 * without OkHttp.
 *
 * <pre>{@code
 * HttpClient client = MeshJdkHttp.newClient(mesh);
 * // or, keeping your own settings:
 * HttpClient client = MeshJdkHttp.newClient(mesh, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)));
 * HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://reviews:9080/reviews/1")).build(),
 *     HttpResponse.BodyHandlers.ofString());
 * }</pre>
 *
 * <p>Every request of such a client ({@code send} and {@code sendAsync}) goes through the mesh:
 * the URI names the logical service; the request is sent to the endpoint mesh4j picks, with the
 * logical {@code Host} kept, over HTTP/1.1 (the JDK would send the endpoint's address as HTTP/2's
 * {@code :authority}); responses mesh4j makes itself carry the header {@code x-mesh4j-flags} with
 * Envoy's response flags, and their bodies are read by the application's body handler like any
 * other. Retries are decided on the response's status and headers before the application's body
 * handler sees anything. Redirects are followed as the client's {@code followRedirects} says and
 * {@code Basic} challenges answered with its {@code Authenticator}, hop by hop through the mesh;
 * cookies of its {@code CookieHandler} stay keyed by the logical URI. A request's own
 * {@code timeout} bounds the whole meshed request until its response headers. Thread-safe.
 *
 * <p>The current {@link MeshContext} (the inbound request's id, trace, baggage and user headers)
 * goes with every request: {@code send} runs on the caller's thread; {@code sendAsync} captures
 * the context current when it is called and runs the mesh with it on a thread of the client's.
 *
 * <p>What it makes is an {@link HttpClient} itself, not a facade with {@code send} methods of its
 * own: code written against {@code HttpClient} — the application's, a library's, a generated API
 * client's, Spring's {@code JdkClientHttpRequestFactory} — takes it unchanged, as an OkHttp user
 * keeps its {@code OkHttpClient}. {@code HttpClient} is an abstract class with a protected
 * constructor, made to be implemented; the JDK's own client (several of them, one per kind of
 * connection) sends the attempts below the mesh. Its getters report the settings the application
 * gave its builder; {@code newWebSocketBuilder()} is not meshed and throws.
 *
 * <p>The JDK's client refuses a {@code Host} header unless the process allows it, which it decides
 * once, when its classes initialise: this class allows it (and switches off the JDK's own connect
 * retry) if nothing of {@code java.net.http} ran before; otherwise {@link #newClient} fails and says
 * to start the JVM with {@code -Djdk.httpclient.allowRestrictedHeaders=host
 * -Djdk.httpclient.disableRetryConnect=true}. {@code docs/transports.md} compares this transport with
 * OkHttp's, feature by feature.
 */
public final class MeshJdkHttp {
  static {
    // Before anything of java.net.http runs here: the JDK reads these once.
    JdkProperties.init();
  }

  private MeshJdkHttp() {}

  /** A new client with the JDK's defaults, through the mesh. */
  public static HttpClient newClient(Mesh mesh) {
    requireNonNull(mesh, "mesh");
    return newClient(mesh, HttpClient.newBuilder());
  }

  /**
   * A new client with the builder's settings, through the mesh. The builder is built once, to read
   * its settings; the clients that send requests are made below the mesh with those settings.
   *
   * @throws IllegalStateException when the process does not allow a {@code Host} header (see above)
   */
  public static HttpClient newClient(Mesh mesh, HttpClient.Builder builder) {
    requireNonNull(mesh, "mesh");
    requireNonNull(builder, "builder");
    JdkProperties.requireHostAllowed();
    HttpClient application = builder.build();
    MeshedHttpClient.Settings settings = MeshedHttpClient.Settings.of(application);
    if (application instanceof AutoCloseable closeable) {
      // Java 21+: the client built to read the settings sends nothing; release it now.
      try {
        closeable.close();
      } catch (Exception e) {
        // nothing was sent on it
      }
    }
    return new MeshedHttpClient(mesh, settings);
  }

  /**
   * Marks a request body as readable once (a stream): a request with it is never resent, so its
   * first failure is final — as for a sidecar that cannot buffer the body. Other bodies are resent
   * by subscribing to their publisher again, as the JDK does for its own redirects.
   */
  public static HttpRequest.BodyPublisher oneShot(HttpRequest.BodyPublisher publisher) {
    requireNonNull(publisher, "publisher");
    return publisher instanceof OneShotPublisher ? publisher : new OneShotPublisher(publisher);
  }
}
