package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.core.http.MeshRequest;
import org.jspecify.annotations.Nullable;

/**
 * The application's request as it will be sent: its own headers, plus the context's for names
 * it does not set. Routing matches on this view, so {@code end-user: jason} one hop down still
 * picks its route. A view; immutable.
 */
final class PropagatedRequest implements MeshRequest {
  private final MeshRequest request;
  private final String[] names;
  private final String[] values;

  PropagatedRequest(MeshRequest request, String[] names, String[] values) {
    this.request = request;
    this.names = names;
    this.values = values;
  }

  @Override
  public @Nullable String header(String lowerCaseName) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(lowerCaseName)) {
        return values[i];
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
    for (int i = 0; i < names.length; i++) {
      sb.append(i == 0 ? " + context {" : ", ").append(names[i]).append('=').append(values[i]);
    }
    return names.length == 0 ? sb.toString() : sb.append('}').toString();
  }
}
