package dev.mesh4j.kubernetes;

import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The protocol of a Kubernetes service port, as istiod derives it: from {@code appProtocol} when
 * set (Kubernetes' standard {@code kubernetes.io/h2c}, {@code kubernetes.io/ws},
 * {@code kubernetes.io/wss}, or an Istio protocol name), else from the port name's prefix before
 * the first {@code -} ({@code http-web} is HTTP, {@code grpc-web…} is gRPC-Web). UDP ports are UDP
 * whatever their name. A name that says nothing is "unknown" (empty), which mesh4j routes as HTTP
 * as a sidecar's protocol sniffing would, except on the well-known non-HTTP ports (SMTP, DNS,
 * MySQL, MongoDB), which are TCP.
 */
final class ServiceProtocols {
  private static final Set<Integer> WELL_KNOWN_TCP_PORTS = Set.of(25, 53, 3306, 27017);

  private ServiceProtocols() {}

  /**
   * The protocol of a service port, in mesh4j's spelling ({@code HTTP}, {@code HTTP2},
   * {@code GRPC}, {@code GRPC-WEB}, {@code HTTPS}, {@code TLS}, {@code TCP}, …; empty when
   * unknown).
   */
  static String of(int port, @Nullable String name, @Nullable String transport, @Nullable String appProtocol) {
    if ("UDP".equalsIgnoreCase(transport)) {
      return "UDP";
    }
    String n = name == null ? "" : name;
    if (appProtocol != null && !appProtocol.isEmpty()) {
      switch (appProtocol) {
        case "kubernetes.io/h2c":
          return "HTTP2";
        case "kubernetes.io/ws":
          return "HTTP";
        case "kubernetes.io/wss":
          return "HTTPS";
        default:
          n = appProtocol;
      }
    }
    if (n.regionMatches(true, 0, "grpc-web", 0, 8)) {
      return "GRPC-WEB";
    }
    int dash = n.indexOf('-');
    String prefix = (dash >= 0 ? n.substring(0, dash) : n).toLowerCase(Locale.ROOT);
    String protocol = switch (prefix) {
      case "http" -> "HTTP";
      case "http2" -> "HTTP2";
      case "grpc" -> "GRPC";
      case "https" -> "HTTPS";
      case "tls" -> "TLS";
      case "tcp" -> "TCP";
      case "mongo" -> "MONGO";
      case "redis" -> "REDIS";
      case "mysql" -> "MYSQL";
      case "http_proxy" -> "HTTP_PROXY";
      default -> "";
    };
    if (protocol.isEmpty() && WELL_KNOWN_TCP_PORTS.contains(port)) {
      return "TCP";
    }
    return protocol;
  }
}
