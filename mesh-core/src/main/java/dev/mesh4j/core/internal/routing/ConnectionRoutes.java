package dev.mesh4j.core.internal.routing;

import dev.mesh4j.core.internal.common.Hosts;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The connection route table of one VirtualService, compiled for one workload: its {@code tls}
 * and {@code tcp} routes as the filter chains of a sidecar's outbound listener, each leading to a
 * {@link CompiledMatch} whose route the engine forwards like an HTTP route's. Matches that cannot
 * apply to this workload (source labels, namespace, gateways) were dropped when compiled, as
 * istiod drops them; what is left is decided per connection, as Envoy's filter chain match
 * decides it:
 *
 * <ul>
 *   <li>{@code tls}: among the matches for the port, the one whose SNI host names the server most
 *       specifically — the exact name, then the longest wildcard suffix — and of equals the first
 *       (istiod generates one filter chain per distinct SNI set, the first). None: the connection
 *       is not the VirtualService's ({@link #hasTls} says whether it has any for the port).
 *   <li>{@code tcp}: in order, for the port, istiod stops at the first match without
 *       {@code destinationSubnets} (or route without matches), the catch-all; matches with subnets
 *       before it apply when the application named an IP address in one of them (the most specific
 *       prefix wins), else the catch-all does.
 * </ul>
 *
 * <p>A client knows the destination's address only when the application named one: a match with
 * {@code destinationSubnets} holds for a request to an IP literal in the subnet, never for a name.
 *
 * <p>Immutable and thread-safe; lookups allocate nothing unless subnets must be compared.
 */
public final class ConnectionRoutes {
  /** No {@code tls} and no {@code tcp} routes. */
  public static final ConnectionRoutes NONE = new ConnectionRoutes(List.of(), List.of());

  private final TlsEntry[] tls;
  /** In order; an entry without subnets is the catch-all for its port. */
  private final TcpEntry[] tcp;

  ConnectionRoutes(List<TlsEntry> tls, List<TcpEntry> tcp) {
    this.tls = tls.toArray(new TlsEntry[0]);
    this.tcp = tcp.toArray(new TcpEntry[0]);
  }

  /** Whether there are no routes at all. */
  public boolean isEmpty() {
    return tls.length == 0 && tcp.length == 0;
  }

  /**
   * Whether a {@code tls} match applies on this port (Istio's {@code hasTLSMatch}): then a
   * connection none of them matches is not the service's, and the service's own route is not
   * generated for the port.
   */
  public boolean hasTls(int port) {
    for (TlsEntry e : tls) {
      if (e.port == null || e.port == port) {
        return true;
      }
    }
    return false;
  }

  /**
   * The {@code tls} match for a connection to {@code host} (sent as the server name) on
   * {@code port}, or null.
   */
  public @Nullable CompiledMatch tls(String host, int port) {
    int end = host.length() > 1 && host.endsWith(".") ? host.length() - 1 : host.length();
    TlsEntry best = null;
    int bestScore = -1;
    for (TlsEntry e : tls) {
      if (e.port != null && e.port != port) {
        continue;
      }
      int score = e.score(host, end);
      if (score > bestScore && (e.subnets.length == 0 || Subnet.anyContains(e.subnets, host))) {
        best = e;
        bestScore = score;
      }
    }
    return best == null ? null : best.match;
  }

  /**
   * The {@code tcp} match for a connection to {@code host} on {@code port}, or null when the
   * service's own route applies.
   */
  public @Nullable CompiledMatch tcp(String host, int port) {
    TcpEntry best = null;
    int bestPrefix = -1;
    TcpEntry catchAll = null;
    for (TcpEntry e : tcp) {
      if (e.port != null && e.port != port) {
        continue;
      }
      if (e.subnets.length == 0) {
        catchAll = e;
        break;
      }
      int prefix = Subnet.longestContaining(e.subnets, host);
      if (prefix > bestPrefix) {
        best = e;
        bestPrefix = prefix;
      }
    }
    return best != null ? best.match : catchAll != null ? catchAll.match : null;
  }

  /** The {@code tls} and {@code tcp} routes, for explain. */
  public List<CompiledRoute> routes() {
    java.util.ArrayList<CompiledRoute> out = new java.util.ArrayList<>();
    for (TlsEntry e : tls) {
      if (!out.contains(e.match.route())) {
        out.add(e.match.route());
      }
    }
    for (TcpEntry e : tcp) {
      if (!out.contains(e.match.route())) {
        out.add(e.match.route());
      }
    }
    return List.copyOf(out);
  }

  /**
   * One {@code tls} match: its SNI hosts as exact names and wildcard suffixes ({@code *.a.com}
   * kept as {@code .a.com}; {@code *} as the empty suffix), lower case.
   */
  static final class TlsEntry {
    private final @Nullable Integer port;
    private final String[] exact;
    private final String[] suffixes;
    private final Subnet[] subnets;
    private final CompiledMatch match;

    TlsEntry(@Nullable Integer port, List<String> sniHosts, List<String> subnets, CompiledMatch match) {
      this.port = port;
      this.exact = sniHosts.stream().filter(h -> !h.startsWith("*")).map(ConnectionRoutes::lower)
          .toArray(String[]::new);
      this.suffixes = sniHosts.stream().filter(h -> h.startsWith("*")).map(h -> lower(h.substring(1)))
          .toArray(String[]::new);
      this.subnets = Subnet.parseAll(subnets);
      this.match = match;
    }

    /**
     * How specifically this match names {@code host} (its first {@code end} characters): the
     * greatest for an exact name, else the length of the longest wildcard suffix; -1 when it does
     * not. Envoy's wildcard {@code *.a.com} needs at least one character before {@code .a.com}.
     */
    int score(String host, int end) {
      for (String x : exact) {
        if (x.length() == end && host.regionMatches(true, 0, x, 0, end)) {
          return Integer.MAX_VALUE;
        }
      }
      int best = -1;
      for (String s : suffixes) {
        if (s.length() > best && (s.isEmpty() || end > s.length()
            && host.regionMatches(true, end - s.length(), s, 0, s.length()))) {
          best = s.length();
        }
      }
      return best;
    }
  }

  /** One {@code tcp} match: with {@code destinationSubnets}, or without, the catch-all of its port. */
  static final class TcpEntry {
    private final @Nullable Integer port;
    private final Subnet[] subnets;
    private final CompiledMatch match;

    TcpEntry(@Nullable Integer port, List<String> subnets, CompiledMatch match) {
      this.port = port;
      this.subnets = Subnet.parseAll(subnets);
      this.match = match;
    }
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** An IP address block. */
  private record Subnet(byte[] network, int prefix) {
    static Subnet[] parseAll(List<String> subnets) {
      Subnet[] out = new Subnet[subnets.size()];
      for (int i = 0; i < out.length; i++) {
        String s = subnets.get(i);
        int slash = s.indexOf('/');
        byte[] address = literal(slash < 0 ? s : s.substring(0, slash));
        if (address == null) {
          throw new IllegalArgumentException("not an IP subnet (validated at load): " + s);
        }
        out[i] = new Subnet(address, slash < 0 ? address.length * 8 : Integer.parseInt(s.substring(slash + 1)));
      }
      return out;
    }

    static boolean anyContains(Subnet[] subnets, String host) {
      return longestContaining(subnets, host) >= 0;
    }

    /** The longest prefix of the subnets that holds {@code host}, an IP literal; -1 for none. */
    static int longestContaining(Subnet[] subnets, String host) {
      if (subnets.length == 0 || host.isEmpty() || !(Character.isDigit(host.charAt(0)) || host.indexOf(':') >= 0)) {
        return -1;
      }
      byte[] address = literal(host);
      if (address == null) {
        return -1;
      }
      int best = -1;
      for (Subnet s : subnets) {
        if (s.prefix > best && s.contains(address)) {
          best = s.prefix;
        }
      }
      return best;
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }

    /** The bytes of an IP literal (never a DNS query: only literals reach the JDK), or null. */
    static byte @Nullable [] literal(String s) {
      if (!Hosts.isIp(s)) {
        return null;
      }
      try {
        return InetAddress.getByName(s).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
  }
}
