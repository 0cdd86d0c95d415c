package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.common.HeaderFormat;
import org.jspecify.annotations.Nullable;

/**
 * What one request's {@code %VARIABLE%} header values read: the application's request, the route,
 * the cluster, and — once there is one — the response. Made only for routes whose header values
 * have variables; one per request, used by one thread at a time.
 */
final class HeaderValues implements HeaderFormat.Values {
  private final MeshRequest request;
  private final String routeName;
  private final long startMillis;
  private String cluster = "";
  private @Nullable String upstreamHost;
  private int responseCode;
  private String responseFlags = "";

  HeaderValues(MeshRequest request, @Nullable String routeName, long startMillis) {
    this.request = request;
    this.routeName = routeName == null ? "" : routeName;
    this.startMillis = startMillis;
  }

  HeaderValues cluster(String name) {
    this.cluster = name;
    return this;
  }

  /** The response the values now describe: an upstream's ({@code flags} "-") or a local reply. */
  HeaderValues response(int status, String flags, @Nullable Endpoint endpoint) {
    this.responseCode = status;
    this.responseFlags = flags.isEmpty() ? "-" : flags;
    this.upstreamHost = endpoint == null ? null : endpoint.hostPort();
    return this;
  }

  @Override
  public @Nullable String requestHeader(String name) {
    return switch (name) {
      case ":authority", "host" -> request.authority();
      case ":path" -> request.rawQuery() == null ? request.path() : request.path() + "?" + request.rawQuery();
      case ":method" -> request.method();
      case ":scheme" -> request.scheme();
      default -> request.header(name);
    };
  }

  @Override
  public long startMillis() {
    return startMillis;
  }

  @Override
  public String cluster() {
    return cluster;
  }

  @Override
  public String routeName() {
    return routeName;
  }

  @Override
  public @Nullable String upstreamHost() {
    return upstreamHost;
  }

  @Override
  public int responseCode() {
    return responseCode;
  }

  @Override
  public String responseFlags() {
    return responseFlags;
  }
}
