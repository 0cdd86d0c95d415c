package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A service port ({@code ServicePort}).
 *
 * @param number the port number
 * @param protocol the protocol as written ({@code HTTP}, {@code HTTPS}, {@code TCP}, …)
 * @param name the port name endpoints refer to
 * @param targetPort the endpoint port when endpoints do not say otherwise, or null
 */
public record ServicePort(int number, String protocol, String name, @Nullable Integer targetPort) {

  public ServicePort {
    requireNonNull(protocol, "protocol");
    requireNonNull(name, "name");
  }

  /** Whether mesh4j routes this port as HTTP (HTTP, HTTP2, GRPC, or unset/unknown protocols). */
  public boolean isHttp() {
    return switch (protocol.toUpperCase(Locale.ROOT)) {
      case "HTTP", "HTTP2", "GRPC", "GRPC-WEB", "" -> true;
      default -> false;
    };
  }

  /** Whether the application speaks TLS on this port itself (HTTPS, TLS). */
  public boolean isTlsPassthrough() {
    String p = protocol.toUpperCase(Locale.ROOT);
    return p.equals("HTTPS") || p.equals("TLS");
  }
}
