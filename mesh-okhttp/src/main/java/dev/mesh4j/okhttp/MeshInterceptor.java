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
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * The application interceptor that hands every call to the mesh, and follows its redirects and
 * authentication challenges hop by hop through the mesh, as the client's settings say when the
 * call is made. Thread-safe.
 */
final class MeshInterceptor implements Interceptor {
  private final Mesh mesh;
  private final OkHttpClient mirrorClient;
  private final TlsContexts tls;
  private final ConnectionReuse reuse;
  private final EndpointUrls urls = new EndpointUrls();

  MeshInterceptor(Mesh mesh, OkHttpClient mirrorClient, TlsContexts tls, ConnectionReuse reuse) {
    this.mesh = mesh;
    this.mirrorClient = mirrorClient;
    this.tls = tls;
    this.reuse = reuse;
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
    while (true) {
      Request next = followUp(chain, response, request);
      if (next == null || (next.body() != null && next.body().isOneShot())) {
        return response;
      }
      response.close();
      if (++followUps > FollowUps.MAX_FOLLOW_UPS) {
        throw new ProtocolException("Too many follow-up requests: " + followUps);
      }
      Response prior = response.newBuilder().request(request).body(ResponseBody.EMPTY).build();
      request = next;
      response = send(chain, request).newBuilder().priorResponse(prior).build();
    }
  }

  /** The next request for a redirect or an authentication challenge, as the client's settings say now. */
  private static @Nullable Request followUp(Chain chain, Response response, Request request) throws IOException {
    if (FollowUps.isRedirect(response.code())) {
      return chain.getFollowRedirects() ? FollowUps.redirect(response, request, chain.getFollowSslRedirects()) : null;
    }
    return FollowUps.authenticate(chain.getAuthenticator(), response, request);
  }

  private Response send(Chain chain, Request request) throws IOException {
    OkHttpRequestView view = new OkHttpRequestView(request);
    return mesh.execute(view, new OkHttpExchange(chain, view, mirrorClient, tls, reuse, urls));
  }

  @Override
  public String toString() {
    return "MeshInterceptor";
  }
}
