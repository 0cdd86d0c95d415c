package dev.mesh4j.core.http;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How a cluster's connections are made and reused ({@code DestinationRule}
 * {@code connectionPool}): the connect timeout, how long an idle connection is kept, and how
 * many requests one connection carries before it is closed. Immutable.
 *
 * @param connectTimeout the connect timeout ({@code tcp.connectTimeout}, Istio's 10s by
 *     default), or null for the transport's own
 * @param idleTimeout how long an idle connection is kept ({@code http.idleTimeout}), or null
 *     for the transport's own
 * @param maxRequestsPerConnection requests per connection before it is closed
 *     ({@code http.maxRequestsPerConnection}); 0 means no limit
 */
public record ConnectionSettings(@Nullable Duration connectTimeout, @Nullable Duration idleTimeout,
    int maxRequestsPerConnection) {

  /** The transport's own settings. */
  public static final ConnectionSettings DEFAULT = new ConnectionSettings(null, null, 0);

  public ConnectionSettings {
    if (maxRequestsPerConnection < 0) {
      throw new IllegalArgumentException("maxRequestsPerConnection: " + maxRequestsPerConnection + " (expected: >= 0)");
    }
  }
}
