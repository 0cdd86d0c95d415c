package dev.mesh4j.istiod.internal;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import org.jspecify.annotations.Nullable;

/**
 * Reads an LDS {@code Listener} as istiod's gRPC generator writes it ({@code grpcgen/lds.go}): an
 * API listener named {@code host:port} for each port of each service the workload sees, whose
 * HTTP connection manager names the route configuration {@code outbound|port||host} over ADS and
 * runs the fault filter, then the router.
 */
public final class ListenerMapper {
  static final String HCM_TYPE =
      "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
  private static final String ROUTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";

  private ListenerMapper() {}

  /**
   * One service port as a listener describes it.
   *
   * @param name the listener's name, {@code reviews.default.svc.cluster.local:9080}
   * @param host the service host
   * @param port the service port
   * @param rdsName the route configuration to fetch, or null when the routes are inline
   * @param inlineRoutes the routes given in the listener itself, or null
   * @param faultFilter whether the fault filter runs (else per-route faults are not injected)
   */
  public record ListenerModel(String name, String host, int port, @Nullable String rdsName,
      RouteMapper.@Nullable RouteTable inlineRoutes, boolean faultFilter) {}

  /** Reads {@code l}, or returns null with problems in {@code p}. */
  public static @Nullable ListenerModel map(Listener l, Problems p) {
    String name = l.getName();
    int colon = name.lastIndexOf(':');
    int port = -1;
    if (colon > 0) {
      try {
        port = Integer.parseInt(name.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (port < 1 || port > 65535) {
      p.error("name", "\"" + name + "\" is not host:port (mesh4j reads the outbound listeners istiod's gRPC "
          + "generator writes)");
      return null;
    }
    String host = name.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
    if (!l.hasApiListener()) {
      p.error("api_listener", "not an API listener (mesh4j reads the listeners istiod writes for proxyless "
          + "clients)");
      return null;
    }
    Any any = l.getApiListener().getApiListener();
    if (!any.getTypeUrl().equals(HCM_TYPE)) {
      p.error("api_listener.api_listener", "expected " + HCM_TYPE + ", found " + any.getTypeUrl());
      return null;
    }
    HttpConnectionManager hcm;
    try {
      hcm = any.unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      p.error("api_listener.api_listener", "unreadable HttpConnectionManager: " + e.getMessage());
      return null;
    }
    String prefix = "api_listener.api_listener.";
    boolean fault = false;
    boolean router = false;
    for (int i = 0; i < hcm.getHttpFiltersCount(); i++) {
      HttpFilter f = hcm.getHttpFilters(i);
      String fpath = prefix + "http_filters[" + i + "]";
      if (router) {
        p.error(fpath, "filter " + f.getName() + " after the router is never run");
        continue;
      }
      String type = f.hasTypedConfig() ? f.getTypedConfig().getTypeUrl() : "";
      if (type.equals(ROUTER_TYPE)) {
        router = true;
      } else if (type.equals(RouteMapper.FAULT_TYPE) || f.getName().equals(RouteMapper.FAULT_FILTER) && type.isEmpty()) {
        fault = true;
        if (f.hasTypedConfig() && !isEmptyFault(f.getTypedConfig(), p, fpath)) {
          p.error(fpath + ".typed_config", "fault injection for every route of a listener is not supported "
              + "(istiod writes it per route)");
        }
      } else if (!f.getIsOptional()) {
        p.error(fpath, "HTTP filter " + f.getName() + (type.isEmpty() ? "" : " (" + type + ")")
            + " is not supported by mesh4j");
      }
    }
    if (!router) {
      p.error(prefix + "http_filters", "no router filter: the listener routes nothing");
    }
    String rds = null;
    RouteMapper.RouteTable inline = null;
    switch (hcm.getRouteSpecifierCase()) {
      case RDS -> {
        var source = hcm.getRds().getConfigSource();
        if (!source.hasAds() && !source.hasSelf()) {
          p.error(prefix + "rds.config_source", "mesh4j fetches routes over the ADS stream only");
        }
        rds = hcm.getRds().getRouteConfigName();
      }
      case ROUTE_CONFIG -> inline = RouteMapper.map(hcm.getRouteConfig(), p, prefix + "route_config.");
      default -> p.error(prefix + "route_specifier", hcm.getRouteSpecifierCase() + " is not supported");
    }
    return p.isEmpty() ? new ListenerModel(name, host, port, rds, inline, fault) : null;
  }

  private static boolean isEmptyFault(Any any, Problems p, String path) {
    try {
      HTTPFault f = any.unpack(HTTPFault.class);
      return !f.hasDelay() && !f.hasAbort() && !f.hasResponseRateLimit();
    } catch (InvalidProtocolBufferException e) {
      p.error(path + ".typed_config", "unreadable HTTPFault: " + e.getMessage());
      return true;
    }
  }
}
