package dev.mesh4j.okhttp;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.Mesh;
import okhttp3.OkHttpClient;

/**
 * Puts a {@link Mesh} into OkHttp clients.
 *
 * <pre>{@code
 * OkHttpClient client = MeshOkHttp.newClient(mesh);
 * // or, keeping your own settings:
 * OkHttpClient client = MeshOkHttp.install(mesh, new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(3))).build();
 * }</pre>
 *
 * <p>Every call of such a client ({@code execute()} and {@code enqueue()}) goes through the
 * mesh: the URL names the logical service ({@code http://reviews:9080/reviews/1}); the request
 * is sent to the endpoint mesh4j picks, with the logical {@code Host} kept; responses mesh4j
 * makes itself carry the header {@code x-mesh4j-flags} with Envoy's response flags. Cookies of
 * the client's {@code CookieJar} stay keyed by the logical URL.
 *
 * <p>The mesh is installed as the last application interceptor, so the application's own
 * interceptors see the logical request. Redirects (from upstreams or from VirtualService
 * {@code redirect} routes) are followed as the client's {@code followRedirects} setting says,
 * each hop through the mesh again; install the mesh after setting it. Thread-safe.
 */
public final class MeshOkHttp {
  private MeshOkHttp() {}

  /** A new client with OkHttp's defaults and the mesh installed. */
  public static OkHttpClient newClient(Mesh mesh) {
    return install(mesh, new OkHttpClient.Builder()).build();
  }

  /**
   * Installs the mesh into a builder and returns the builder. Mirrored requests are sent by a
   * client with the builder's settings as they are at this call.
   */
  public static OkHttpClient.Builder install(Mesh mesh, OkHttpClient.Builder builder) {
    requireNonNull(mesh, "mesh");
    requireNonNull(builder, "builder");
    OkHttpClient settings = builder.build();
    // Redirects are followed by the mesh interceptor, hop by hop through the mesh; OkHttp's own
    // follower would resolve them against endpoint addresses.
    OkHttpClient mirrorClient = settings.newBuilder().followRedirects(false).build();
    return builder
        .followRedirects(false)
        .addInterceptor(new MeshInterceptor(mesh, mirrorClient, settings.followRedirects(),
            settings.followSslRedirects()));
  }
}
