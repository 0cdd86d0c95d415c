package dev.mesh4j.istiod.internal;

import dev.mesh4j.istiod.internal.RouteMapper.VirtualHostRoutes;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Picks the virtual host of a route configuration that serves a host, as Envoy and gRPC do
 * (gRFC A27): an exact domain first, then the longest suffix wildcard ({@code *.example.com}),
 * then the longest prefix wildcard ({@code reviews.*}), then {@code *}. Domains are compared
 * without case, with and without the port.
 */
final class VirtualHosts {
  private VirtualHosts() {}

  static @Nullable VirtualHostRoutes select(List<VirtualHostRoutes> hosts, String host, int port) {
    String h = host.toLowerCase(Locale.ROOT);
    String hp = h + ":" + port;
    VirtualHostRoutes best = null;
    int bestScore = -1;
    for (VirtualHostRoutes vh : hosts) {
      for (String d : vh.domains()) {
        String domain = d.toLowerCase(Locale.ROOT);
        int score = Math.max(score(domain, h), score(domain, hp));
        if (score > bestScore) {
          best = vh;
          bestScore = score;
        }
      }
    }
    return best;
  }

  /** Higher is a better match; -1 is none. Kinds are ranked first, then length. */
  private static int score(String domain, String name) {
    if (domain.equals(name)) {
      return 4_000_000;
    }
    if (domain.equals("*")) {
      return 1_000_000;
    }
    if (domain.startsWith("*") && name.endsWith(domain.substring(1)) && name.length() > domain.length() - 1) {
      return 3_000_000 + domain.length();
    }
    if (domain.endsWith("*") && name.startsWith(domain.substring(0, domain.length() - 1))
        && name.length() > domain.length() - 1) {
      return 2_000_000 + domain.length();
    }
    return -1;
  }
}
