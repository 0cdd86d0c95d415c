package dev.mesh4j.okhttp;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;

/**
 * A cluster's connection reuse settings on OkHttp: connections idle longer than
 * {@code http.idleTimeout} are closed (a connection pool per idle timeout); a connection that
 * carried {@code http.maxRequestsPerConnection} requests is closed after the last one
 * ({@link MeshNetworkInterceptor} counts them). Thread-safe.
 */
final class ConnectionReuse {
  /** OkHttp's default number of idle connections a pool keeps. */
  private static final int MAX_IDLE = 5;

  private final ConcurrentHashMap<Duration, ConnectionPool> pools = new ConcurrentHashMap<>();

  /** The pool whose idle connections are closed after {@code idleTimeout}. */
  ConnectionPool pool(Duration idleTimeout) {
    return pools.computeIfAbsent(idleTimeout,
        d -> new ConnectionPool(MAX_IDLE, Math.max(1, d.toMillis()), TimeUnit.MILLISECONDS));
  }
}
