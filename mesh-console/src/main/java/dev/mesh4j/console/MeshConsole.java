package dev.mesh4j.console;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A live view of a mesh from inside the application, as Kiali draws a mesh: this workload, the
 * services it called in the last minute and the versions that answered, with request rate,
 * error rate and p50/p99 per edge; the configured split next to the observed one; a bolt on
 * clusters with outlier detection or pool limits, red while an endpoint is ejected or requests
 * are being shed; a lock on mutual-TLS edges; PassthroughCluster and BlackHoleCluster for
 * egress; injected faults; a timeline of the mesh's decisions; and an explain box.
 *
 * <p>Without Spring, serve it with the JDK's HTTP server:
 *
 * <pre>{@code
 * MeshConsole.Server console = MeshConsole.start(mesh, 9901);   // http://127.0.0.1:9901/
 * }</pre>
 *
 * <p>Or {@linkplain #attach attach} it and serve {@link #handle} from a server of your own (the
 * Spring Boot starter serves it as the actuator endpoint {@code meshconsole}). The page is one
 * document with its script and style inline (no external asset: it works offline); it polls
 * {@code <page>/state} once a second, and asks {@code <page>/explain}. docs/console.md documents
 * both JSON documents.
 *
 * <p>Attaching adds a listener to the mesh ({@link Mesh#addListener}) that keeps rolling
 * one-minute windows per service, version and route destination, and a bounded timeline; its
 * memory is bounded whatever the traffic: each map admits a fixed number of keys, so it holds
 * about 7 MB at the very most (5.3 MB measured with every limit exceeded; docs/console.md).
 * {@link #close()} removes it. Thread-safe.
 */
public final class MeshConsole implements AutoCloseable {
  /** How many decisions the timeline keeps. */
  public static final int TIMELINE_SIZE = 200;

  private final Mesh mesh;
  private final LiveStats stats;

  private MeshConsole(Mesh mesh) {
    this.mesh = mesh;
    this.stats = new LiveStats(mesh.ticker(), mesh.clock(), TIMELINE_SIZE);
  }

  /**
   * A console for {@code mesh}, counting from now on: its listener hears every request that
   * starts from now on. Serve it with {@link #handle}; {@link #close()} detaches it.
   */
  public static MeshConsole attach(Mesh mesh) {
    MeshConsole console = new MeshConsole(requireNonNull(mesh, "mesh"));
    mesh.addListener(console.stats);
    return console;
  }

  /**
   * Attaches a console to {@code mesh} and serves it on {@code 127.0.0.1:port} (0 for any free
   * port) with the JDK's HTTP server; see {@link Server}.
   */
  public static Server start(Mesh mesh, int port) {
    return start(mesh, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /**
   * Attaches a console to {@code mesh} and serves it on {@code address}. The page and its JSON
   * tell the mesh's configuration and traffic and have no authentication of their own: bind to
   * anything but loopback only behind protection of your own.
   */
  public static Server start(Mesh mesh, InetSocketAddress address) {
    requireNonNull(address, "address");
    MeshConsole console = attach(mesh);
    try {
      return new Server(console, ConsoleHttpServer.start(console, address));
    } catch (RuntimeException e) {
      console.close();
      throw e;
    }
  }

  /**
   * Answers one GET request for the console, {@code path} being relative to the page (no leading
   * slash): {@code ""} the page, {@code state} the live document, {@code explain} with
   * parameters {@code url}, {@code method} and repeated {@code header=name:value} what the mesh
   * would do with that request; anything else is 404.
   */
  public Response handle(String path, Map<String, List<String>> parameters) {
    requireNonNull(path, "path");
    requireNonNull(parameters, "parameters");
    return switch (path) {
      case "" -> new Response(200, "text/html; charset=utf-8", Page.html());
      case "state" -> json(200, state());
      case "explain" -> explain(first(parameters, "url"), first(parameters, "method"),
          parameters.getOrDefault("header", List.of()));
      default -> json(404, new Json().beginObject().field("error", "not found: " + Text.cut(path, 100)).endObject()
          .toString());
    };
  }

  /** The live document: the configuration in force joined with the last minute's traffic (docs/console.md). */
  public String state() {
    return StateDocument.build(mesh, stats);
  }

  /**
   * What the mesh would do with a request ({@link Mesh#explain}), as
   * {@code {"text": …, "explanation": …}}, or 400 with {@code {"error": …}} for a bad URL,
   * method or header.
   */
  public Response explain(@Nullable String url, @Nullable String method, List<String> headers) {
    if (url == null || url.isBlank()) {
      return error("explain needs a url, e.g. http://reviews:9080/reviews/1");
    }
    Explanation e;
    try {
      MeshRequest.Builder request = MeshRequest.builder(url.trim());
      if (method != null && !method.isBlank()) {
        request.method(method.trim());
      }
      for (String h : headers) {
        int colon = h.indexOf(':');
        if (colon <= 0) {
          return error("header \"" + Text.cut(h, 100) + "\" (expected: name:value)");
        }
        request.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
      }
      e = mesh.explain(request.build());
    } catch (IllegalArgumentException ex) {
      return error(Text.cut(String.valueOf(ex.getMessage()), 300));
    } catch (IllegalStateException ex) {
      return json(503, new Json().beginObject().field("error", ex.getMessage()).endObject().toString());
    }
    return json(200, new Json().beginObject().field("text", e.toString()).name("explanation").raw(e.toJson())
        .endObject().toString());
  }

  private static Response error(String message) {
    return json(400, new Json().beginObject().field("error", message).endObject().toString());
  }

  private static Response json(int status, String body) {
    return new Response(status, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  private static @Nullable String first(Map<String, List<String>> parameters, String name) {
    List<String> v = parameters.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** The live stats (tests). */
  LiveStats stats() {
    return stats;
  }

  /** Detaches the console's listener from the mesh. Idempotent. */
  @Override
  public void close() {
    mesh.removeListener(stats);
  }

  /**
   * An answer of the console.
   *
   * @param status the HTTP status
   * @param contentType its media type
   * @param body its bytes
   */
  public record Response(int status, String contentType, byte[] body) {
    public Response {
      requireNonNull(contentType, "contentType");
      requireNonNull(body, "body");
    }
  }

  /**
   * A console served by the JDK's HTTP server ({@code com.sun.net.httpserver}) on two daemon
   * threads. It answers GET (and HEAD) only; bound to a loopback address it answers only requests
   * whose {@code Host} names a loopback address or {@code localhost}, so that a web page cannot
   * read it through a rebound DNS name. It turns on {@code sun.net.httpserver.nodelay} unless
   * the application set that property: without it the JDK's server takes about 40 ms on each
   * exchange of a kept-alive connection, which the page's polling uses. {@link #close()} stops
   * the server and detaches the console.
   */
  public static final class Server implements AutoCloseable {
    private final MeshConsole console;
    private final ConsoleHttpServer http;

    private Server(MeshConsole console, ConsoleHttpServer http) {
      this.console = console;
      this.http = http;
    }

    /** The address it listens on (the actual port when started with port 0). */
    public InetSocketAddress address() {
      return http.address();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:9901/}. */
    public URI uri() {
      InetSocketAddress a = address();
      String host = a.getAddress().getHostAddress();
      return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
    }

    /** The console it serves. */
    public MeshConsole console() {
      return console;
    }

    /** Stops serving (within a second for exchanges in progress) and detaches the console. Idempotent. */
    @Override
    public void close() {
      http.close();
      console.close();
    }
  }
}
