package dev.mesh4j.okhttp;

import dev.mesh4j.core.http.MeshRequest;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * An OkHttp request as routing sees it: a view, no copies. One per call; the values it computes
 * lazily are the same whichever thread computes them first.
 */
final class OkHttpRequestView implements MeshRequest {
  private final Request request;
  private final HttpUrl url;
  private @Nullable String authority;
  // HttpUrl computes its encoded path and query on each call; routing reads them several times.
  private @Nullable String path;
  private @Nullable String rawQuery;
  private boolean rawQueryRead;

  OkHttpRequestView(Request request) {
    this.request = request;
    this.url = request.url();
  }

  /** A one-shot body (a stream) cannot be sent twice; others can. */
  @Override
  public boolean replayable() {
    return request.body() == null || !request.body().isOneShot();
  }

  @Override
  public long bodyLength() {
    if (request.body() == null) {
      return 0;
    }
    try {
      return request.body().contentLength();
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public String scheme() {
    return url.scheme();
  }

  @Override
  public String host() {
    return url.host();
  }

  @Override
  public int port() {
    return url.port();
  }

  @Override
  public String authority() {
    String a = authority;
    if (a == null) {
      a = request.header("Host");
      if (a == null) {
        String h = url.host().indexOf(':') >= 0 ? "[" + url.host() + "]" : url.host();
        a = url.port() == HttpUrl.defaultPort(url.scheme()) ? h : h + ":" + url.port();
      }
      authority = a;
    }
    return a;
  }

  @Override
  public String path() {
    String p = path;
    if (p == null) {
      p = url.encodedPath();
      path = p;
    }
    return p;
  }

  @Override
  public @Nullable String rawQuery() {
    if (!rawQueryRead) {
      rawQuery = url.encodedQuery();
      rawQueryRead = true;
    }
    return rawQuery;
  }

  @Override
  public @Nullable String header(String lowerCaseName) {
    Headers headers = request.headers();
    String first = null;
    StringBuilder joined = null;
    for (int i = 0, n = headers.size(); i < n; i++) {
      if (headers.name(i).equalsIgnoreCase(lowerCaseName)) {
        if (first == null) {
          first = headers.value(i);
        } else {
          if (joined == null) {
            joined = new StringBuilder(first);
          }
          joined.append(',').append(headers.value(i));
        }
      }
    }
    return joined != null ? joined.toString() : first;
  }

  Request request() {
    return request;
  }
}
