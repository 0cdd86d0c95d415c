package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.MeshRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The application's request as it will be sent: its own headers, plus the context's for names
 * it does not set. Routing matches on this view, so {@code end-user: jason} one hop down still
 * picks its route. A view; immutable.
 */
final class PropagatedRequest implements MeshRequest {
  private final MeshRequest request;
  /** The context's header operations: the SET ones are the headers added (at most one per name). */
  private final List<HeaderMutation.Op> context;

  PropagatedRequest(MeshRequest request, List<HeaderMutation.Op> context) {
    this.request = request;
    this.context = context;
  }

  @Override
  public @Nullable String header(String lowerCaseName) {
    for (int i = 0, n = context.size(); i < n; i++) {
      HeaderMutation.Op op = context.get(i);
      if (op.kind() == HeaderMutation.Kind.SET && op.name().equals(lowerCaseName)) {
        return op.value();
      }
    }
    return request.header(lowerCaseName);
  }

  @Override
  public boolean replayable() {
    return request.replayable();
  }

  @Override
  public long bodyLength() {
    return request.bodyLength();
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public String scheme() {
    return request.scheme();
  }

  @Override
  public String host() {
    return request.host();
  }

  @Override
  public int port() {
    return request.port();
  }

  @Override
  public String authority() {
    return request.authority();
  }

  @Override
  public String path() {
    return request.path();
  }

  @Override
  public @Nullable String rawQuery() {
    return request.rawQuery();
  }

  @Override
  public @Nullable String queryParameter(String name) {
    return request.queryParameter(name);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(request.toString());
    int n = 0;
    for (HeaderMutation.Op op : context) {
      if (op.kind() == HeaderMutation.Kind.SET) {
        sb.append(n++ == 0 ? " + context {" : ", ").append(op.name()).append('=').append(op.value());
      }
    }
    return n == 0 ? sb.toString() : sb.append('}').toString();
  }
}
