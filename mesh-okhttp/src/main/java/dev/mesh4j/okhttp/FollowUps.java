package dev.mesh4j.okhttp;

import java.io.IOException;
import okhttp3.Authenticator;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Follow-ups — redirects and authentication challenges — as OkHttp's
 * {@code RetryAndFollowUpInterceptor} makes them, but against the logical URL the application
 * used, so that each hop goes through the mesh again (as every request from a pod goes through
 * its sidecar). OkHttp's own step runs below the mesh: it would resolve a relative
 * {@code Location} against the endpoint's address, reach other hosts without the mesh, and resend
 * requests the mesh did not decide to resend. So the mesh keeps it from acting on meshed responses
 * ({@link #hide}, {@link #restore}) and follows up here instead.
 */
final class FollowUps {
  /** OkHttp's limit (Chrome follows 21 redirects; Firefox, curl and wget 20). */
  static final int MAX_FOLLOW_UPS = 20;

  /** Where a meshed response's {@code Location} waits while OkHttp's follow-up step looks at it. */
  static final String HIDDEN_LOCATION = "x-mesh4j-hidden-location";
  /** Where a meshed 503's {@code Retry-After} waits while OkHttp's follow-up step looks at it. */
  static final String HIDDEN_RETRY_AFTER = "x-mesh4j-hidden-retry-after";

  private FollowUps() {}

  static boolean isRedirect(int code) {
    return code == 300 || code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
  }

  /**
   * The network response with what would make OkHttp follow up by itself moved aside: a
   * redirect's {@code Location}, and (for requests to an endpoint the mesh picked) a 503's
   * {@code Retry-After}, which OkHttp obeys at once when it is {@code 0}.
   */
  static Response hide(Response response, boolean toEndpoint) {
    int code = response.code();
    if (isRedirect(code)) {
      String location = response.header("Location");
      if (location != null) {
        return response.newBuilder().removeHeader("Location").header(HIDDEN_LOCATION, location).build();
      }
    } else if (code == 503 && toEndpoint) {
      String retryAfter = response.header("Retry-After");
      if (retryAfter != null) {
        return response.newBuilder().removeHeader("Retry-After").header(HIDDEN_RETRY_AFTER, retryAfter).build();
      }
    }
    return response;
  }

  /** Undoes {@link #hide}: the response as the upstream sent it. */
  static Response restore(Response response) {
    int code = response.code();
    if (isRedirect(code)) {
      String location = response.header(HIDDEN_LOCATION);
      if (location != null) {
        return response.newBuilder().removeHeader(HIDDEN_LOCATION).header("Location", location).build();
      }
    } else if (code == 503) {
      String retryAfter = response.header(HIDDEN_RETRY_AFTER);
      if (retryAfter != null) {
        return response.newBuilder().removeHeader(HIDDEN_RETRY_AFTER).header("Retry-After", retryAfter).build();
      }
    }
    return response;
  }

  /**
   * The request answering a 401 challenge, from the client's authenticator, or null. The
   * authenticator sees the response as made to the application's request (its logical URL).
   */
  static @Nullable Request authenticate(Authenticator authenticator, Response response, Request request)
      throws IOException {
    if (response.code() != 401 || authenticator == Authenticator.NONE) {
      return null;
    }
    return authenticator.authenticate(null, response.newBuilder().request(request).build());
  }

  /** The request to send next for a redirect response, or null when it is not followed. */
  static @Nullable Request redirect(Response response, Request request, boolean followSslRedirects) {
    int code = response.code();
    if (!isRedirect(code)) {
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
