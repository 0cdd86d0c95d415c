package dev.mesh4j.okhttp;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A cluster's connection reuse settings on OkHttp: connections idle longer than
 * {@code http.idleTimeout} are closed (a connection pool per idle timeout), and a connection
 * that carried {@code http.maxRequestsPerConnection} requests is closed after the last one (a
 * network interceptor counts requests per connection and asks for {@code Connection: close}).
 * Thread-safe.
 */
final class ConnectionReuse {
  /** The limit a request carries to the network interceptor (request tag). */
  record Limit(int maxRequestsPerConnection) {}

  /** OkHttp's default number of idle connections a pool keeps. */
  private static final int MAX_IDLE = 5;

  private final ConcurrentHashMap<Duration, ConnectionPool> pools = new ConcurrentHashMap<>();

  /** The pool whose idle connections are closed after {@code idleTimeout}. */
  ConnectionPool pool(Duration idleTimeout) {
    return pools.computeIfAbsent(idleTimeout,
        d -> new ConnectionPool(MAX_IDLE, Math.max(1, d.toMillis()), TimeUnit.MILLISECONDS));
  }

  /** Counts requests per connection and closes a connection after its last allowed request. */
  static final class CountingInterceptor implements Interceptor {
    private final Map<Connection, AtomicInteger> counts = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      Limit limit = request.tag(Limit.class);
      Connection connection = chain.connection();
      if (limit == null || connection == null) {
        return chain.proceed(request);
      }
      int n = counts.computeIfAbsent(connection, c -> new AtomicInteger()).incrementAndGet();
      if (n >= limit.maxRequestsPerConnection()) {
        request = request.newBuilder().header("Connection", "close").build();
      }
      return chain.proceed(request);
    }

    @Override
    public String toString() {
      return "MeshConnectionReuse";
    }
  }
}
