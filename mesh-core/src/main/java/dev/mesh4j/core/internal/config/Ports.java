package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Port numbers, port names, protocols and unix socket addresses, validated as Istio does
 * ({@code agent.ValidatePort}, {@code ValidatePortName}, {@code ValidateProtocol},
 * {@code ValidateUnixAddress}, {@code pkg/config/protocol}). Stateless.
 */
final class Ports {
  static final int MAX_PORT = 65535;
  static final String UNIX_PREFIX = "unix://";

  private Ports() {}

  /** Istio's protocol names ({@code protocol.Parse}), matched case-insensitively. */
  enum Protocol {
    TCP, UDP, GRPC, GRPC_WEB, HTTP, HTTP_PROXY, HTTP2, HTTPS, TLS, MONGO, REDIS, MYSQL;

    /** {@code IsHTTP}: HTTP, HTTP2, HTTP_PROXY, GRPC, GRPC-Web. */
    boolean isHttp() {
      return this == HTTP || this == HTTP2 || this == HTTP_PROXY || this == GRPC || this == GRPC_WEB;
    }

    /** {@code IsTLS}: HTTPS, TLS. */
    boolean isTls() {
      return this == HTTPS || this == TLS;
    }

    /** {@code IsTCP}: TCP, HTTPS, TLS, Mongo, Redis, MySQL. */
    boolean isTcp() {
      return this == TCP || this == HTTPS || this == TLS || this == MONGO || this == REDIS
          || this == MYSQL;
    }
  }

  /**
   * The protocol a name stands for, or null when Istio cannot parse it. {@code HBONE} is not
   * parseable (Istio's {@code Parse} compares a lower-cased input with "DoubleHBONE", so it never
   * matches): a ServiceEntry port with it is rejected, as by Istio.
   */
  static @Nullable Protocol parseProtocol(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "tcp" -> Protocol.TCP;
      case "udp" -> Protocol.UDP;
      case "grpc" -> Protocol.GRPC;
      case "grpc-web" -> Protocol.GRPC_WEB;
      case "http" -> Protocol.HTTP;
      case "http_proxy" -> Protocol.HTTP_PROXY;
      case "http2" -> Protocol.HTTP2;
      case "https" -> Protocol.HTTPS;
      case "tls" -> Protocol.TLS;
      case "mongo" -> Protocol.MONGO;
      case "redis" -> Protocol.REDIS;
      case "mysql" -> Protocol.MYSQL;
      default -> null;
    };
  }

  /** {@code agent.ValidatePort}: 1..65535. */
  static @Nullable String validatePort(long port) {
    return port >= 1 && port <= MAX_PORT ? null
        : "port number " + port + " must be in the range 1..65535";
  }

  /**
   * A {@code uint32} as the model's int, kept as written where it fits (an out-of-range port is
   * kept for the record of an invalid resource; beyond an int it is capped, still out of range).
   */
  static int toInt(long v) {
    return (int) Math.min(Integer.MAX_VALUE, v);
  }

  /** {@code ValidatePortName}: a DNS-1123 label (so an empty name is invalid). */
  static boolean checkPortName(Node at, String name) {
    if (!Hosts.isDns1123Label(name)) {
      at.error("invalid port name: " + name);
      return false;
    }
    return true;
  }

  /** {@code ValidateProtocol}: empty (sniffing) or a name {@link #parseProtocol} knows. */
  static boolean checkProtocol(Node at, String protocol) {
    if (!protocol.isEmpty() && parseProtocol(protocol) == null) {
      at.error("unsupported protocol: " + protocol);
      return false;
    }
    return true;
  }

  /**
   * {@code ValidateUnixAddress} (after the {@code unix://} prefix): an abstract socket
   * ({@code @name}) or an absolute path to a file.
   */
  static @Nullable String validateUnixAddress(String path) {
    if (path.isEmpty()) {
      return "unix address must not be empty";
    }
    if (path.startsWith("@")) {
      return null;
    }
    if (!path.startsWith("/") || path.endsWith("/")) {
      return path + " is not an absolute path to a file";
    }
    return null;
  }
}
