package dev.mesh4j.okhttp;

import dev.mesh4j.core.Mesh;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/** The application interceptor that hands every call to the mesh. Thread-safe. */
final class MeshInterceptor implements Interceptor {
  private final Mesh mesh;
  private final OkHttpClient mirrorClient;
  private final TlsContexts tls = new TlsContexts();

  MeshInterceptor(Mesh mesh, OkHttpClient mirrorClient) {
    this.mesh = mesh;
    this.mirrorClient = mirrorClient;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    OkHttpRequestView view = new OkHttpRequestView(chain.request());
    return mesh.execute(view, new OkHttpExchange(chain, mirrorClient, tls));
  }

  @Override
  public String toString() {
    return "MeshInterceptor";
  }
}
