package dev.mesh4j.okhttp;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The mesh's network interceptor, between OkHttp's connection and the bytes of a meshed request:
 *
 * <ul>
 *   <li>records the connection an attempt uses, for its deadline ({@link Attempt}), and fails the
 *       attempt before any byte is written when its deadline has passed;
 *   <li>counts requests per connection and asks for {@code Connection: close} on the last one a
 *       DestinationRule's {@code maxRequestsPerConnection} allows;
 *   <li>hides from OkHttp's follow-up step, which runs between this interceptor and the mesh, what
 *       would make it resend a meshed request by itself: a redirect's {@code Location} (the mesh
 *       follows redirects hop by hop, as the client's {@code followRedirects} says) and, for
 *       requests to an endpoint the mesh picked, a 503's {@code Retry-After} (OkHttp resends at once
 *       on {@code Retry-After: 0}; retries are the mesh's). {@link FollowUps#restore} puts them
 *       back before the mesh or the application sees the response.
 * </ul>
 *
 * Requests without an {@link Attempt} tag (not sent by the mesh) pass untouched. Thread-safe.
 */
final class MeshNetworkInterceptor implements Interceptor {
  private final Map<Connection, AtomicInteger> counts = Collections.synchronizedMap(new WeakHashMap<>());

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Attempt attempt = request.tag(Attempt.class);
    if (attempt == null) {
      return chain.proceed(request);
    }
    Connection connection = chain.connection();
    if (connection != null) {
      attempt.connected(connection);
      if (attempt.maxRequestsPerConnection > 0) {
        int n = counts.computeIfAbsent(connection, c -> new AtomicInteger()).incrementAndGet();
        if (n >= attempt.maxRequestsPerConnection) {
          request = request.newBuilder().header("Connection", "close").build();
        }
      }
    }
    return FollowUps.hide(chain.proceed(request), attempt.toEndpoint);
  }

  @Override
  public String toString() {
    return "MeshNetworkInterceptor";
  }
}
