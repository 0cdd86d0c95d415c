package dev.mesh4j.okhttp;

import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Redirect following, as OkHttp's {@code RetryAndFollowUpInterceptor} does it, but against the
 * logical URL the application used, so that each hop goes through the mesh again (as every
 * request from a pod goes through its sidecar). OkHttp itself would resolve a relative
 * {@code Location} against the endpoint's address and skip the mesh for other hosts.
 */
final class FollowUps {
  /** OkHttp's limit (Chrome follows 21 redirects; Firefox, curl and wget 20). */
  static final int MAX_FOLLOW_UPS = 20;

  private FollowUps() {}

  /** The request to send next for a redirect response, or null when it is not followed. */
  static @Nullable Request redirect(Response response, Request request, boolean followSslRedirects) {
    int code = response.code();
    boolean redirect = code == 300 || code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    if (!redirect) {
      return null;
    }
    String location = response.header("Location");
    if (location == null) {
      return null;
    }
    HttpUrl url = request.url().resolve(location);
    if (url == null) {
      return null;
    }
    if (!url.scheme().equals(request.url().scheme()) && !followSslRedirects) {
      return null;
    }
    String method = request.method();
    Request.Builder next = request.newBuilder();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      boolean propfind = method.equals("PROPFIND");
      boolean keepBody = propfind || code == 307 || code == 308;
      if (!propfind && code != 307 && code != 308) {
        next.method("GET", null);
      } else {
        next.method(method, keepBody ? request.body() : null);
      }
      if (!keepBody) {
        next.removeHeader("Transfer-Encoding");
        next.removeHeader("Content-Length");
        next.removeHeader("Content-Type");
      }
    }
    if (!sameOrigin(request.url(), url)) {
      // Across hosts, authentication headers are dropped: the application cannot keep them.
      next.removeHeader("Authorization");
    }
    // The Host of the next hop follows its URL, unless the application set one for this hop.
    next.removeHeader("Host");
    return next.url(url).build();
  }

  private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
    return a.host().equals(b.host()) && a.port() == b.port() && a.scheme().equals(b.scheme());
  }
}
