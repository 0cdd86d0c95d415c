package dev.mesh4j.okhttp;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.ContextSnapshot;
import dev.mesh4j.core.context.MeshContext;
import java.io.IOException;
import java.net.ProtocolException;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** The application interceptor that hands every call to the mesh. Thread-safe. */
final class MeshInterceptor implements Interceptor {
  private final Mesh mesh;
  private final OkHttpClient mirrorClient;
  private final TlsContexts tls;
  private final ConnectionReuse reuse = new ConnectionReuse();
  private final boolean followRedirects;
  private final boolean followSslRedirects;

  /**
   * @param followRedirects whether the application's client follows redirects; the client
   *     itself is built not to, so that every hop goes through the mesh
   */
  MeshInterceptor(Mesh mesh, OkHttpClient mirrorClient, boolean followRedirects, boolean followSslRedirects) {
    this.mesh = mesh;
    this.mirrorClient = mirrorClient;
    // Certificate files are re-checked on the mesh's ticker.
    this.tls = new TlsContexts(mesh.ticker());
    this.followRedirects = followRedirects;
    this.followSslRedirects = followSslRedirects;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    // An enqueue()d call runs here on a dispatcher thread: apply the caller's context captured at enqueue().
    ContextSnapshot snapshot = chain.call().tag(ContextSnapshot.class);
    if (snapshot == null) {
      return follow(chain);
    }
    try (MeshContext.Scope scope = snapshot.attachIfDetached()) {
      return follow(chain);
    }
  }

  private Response follow(Chain chain) throws IOException {
    Request request = chain.request();
    Response response = send(chain, request);
    int followUps = 0;
    while (followRedirects) {
      Request next = FollowUps.redirect(response, request, followSslRedirects);
      if (next == null) {
        break;
      }
      if (next.body() != null && next.body().isOneShot()) {
        break;
      }
      response.close();
      if (++followUps > FollowUps.MAX_FOLLOW_UPS) {
        throw new ProtocolException("Too many follow-up requests: " + followUps);
      }
      request = next;
      response = send(chain, request);
    }
    return response;
  }

  private Response send(Chain chain, Request request) throws IOException {
    OkHttpRequestView view = new OkHttpRequestView(request);
    return mesh.execute(view, new OkHttpExchange(chain, view, mirrorClient, tls, reuse));
  }

  @Override
  public String toString() {
    return "MeshInterceptor";
  }
}
