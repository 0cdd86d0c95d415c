package dev.mesh4j.jdkhttp;

import dev.mesh4j.core.http.UpstreamRequest;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * The real JDK clients attempts go out on, one per kind of connection: the JDK sets connect
 * timeouts, TLS contexts and TLS parameters per client, not per request. Each has the
 * application's settings (proxy, TLS, version, executor) and, below the mesh, follows no
 * redirect, answers no challenge and keeps no cookies — the mesh does those hop by hop. Made when
 * first needed and kept (a handful per application client: one per connect timeout and TLS
 * setting in use). Thread-safe.
 */
final class InnerClients {
  private final MeshedHttpClient.Settings settings;
  private final ConcurrentHashMap<Key, Inner> clients = new ConcurrentHashMap<>();

  InnerClients(MeshedHttpClient.Settings settings) {
    this.settings = settings;
  }

  /** A client and the connect timeout it enforces ({@link Long#MAX_VALUE} for none). */
  record Inner(HttpClient client, long connectTimeoutNanos) {}

  /** What tells clients apart. */
  private record Key(Kind kind, @Nullable Duration connectTimeout) {}

  private enum Kind {
    /** The application's own settings: plain text to an endpoint, or passthrough as the application asked. */
    APPLICATION
  }

  /** The client for an attempt. */
  Inner forAttempt(UpstreamRequest upstream) throws IOException {
    Duration connect = upstream.connectTimeout() != null ? upstream.connectTimeout()
        : settings.connectTimeout().orElse(null);
    if (upstream.endpoint() != null && upstream.scheme().equals("https")) {
      throw new javax.net.ssl.SSLHandshakeException("TLS to endpoints is not set up yet");
    }
    Key key = new Key(Kind.APPLICATION, connect);
    Inner inner = clients.get(key);
    if (inner == null) {
      inner = clients.computeIfAbsent(key, k -> build(k, settings.sslContext(), settings.sslParameters()));
    }
    return inner;
  }

  private Inner build(Key key, SSLContext context, SSLParameters parameters) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(settings.version())
        .sslContext(context)
        .sslParameters(parameters);
    settings.proxy().ifPresent(b::proxy);
    settings.executor().ifPresent(b::executor);
    if (key.connectTimeout() != null) {
      b.connectTimeout(key.connectTimeout());
    }
    return new Inner(b.build(), key.connectTimeout() == null ? Long.MAX_VALUE : key.connectTimeout().toNanos());
  }

  /** Every client made so far, for shutting them down. */
  Iterable<HttpClient> all() {
    return clients.values().stream().map(Inner::client).filter(Objects::nonNull).toList();
  }
}
