package dev.mesh4j.core.internal.snapshot;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * VirtualServices by host: exact hosts, then the most specific wildcard (as Envoy picks a
 * virtual host). The first VirtualService to claim a host keeps it. Immutable once built.
 */
final class VirtualHostIndex {
  private final Map<String, CompiledVirtualService> exact = new LinkedHashMap<>();
  private final List<Map.Entry<String, CompiledVirtualService>> wildcards = new ArrayList<>();

  /** Claims a host; returns the VirtualService that already had it, or null. */
  @Nullable CompiledVirtualService claim(String host, CompiledVirtualService vs) {
    if (host.startsWith("*")) {
      for (Map.Entry<String, CompiledVirtualService> w : wildcards) {
        if (w.getKey().equals(host)) {
          return w.getValue();
        }
      }
      wildcards.add(Map.entry(host, vs));
      wildcards.sort(Comparator.comparingInt((Map.Entry<String, CompiledVirtualService> e) -> e.getKey().length()).reversed());
      return null;
    }
    return exact.putIfAbsent(host, vs);
  }

  /** Replaces the VirtualService of a host already claimed (a gateway's merged routes). */
  void replace(String host, CompiledVirtualService vs) {
    if (host.startsWith("*")) {
      wildcards.replaceAll(w -> w.getKey().equals(host) ? Map.entry(host, vs) : w);
    } else {
      exact.replace(host, vs);
    }
  }

  @Nullable CompiledVirtualService forHost(String host) {
    CompiledVirtualService vs = exact.get(host);
    if (vs != null) {
      return vs;
    }
    for (Map.Entry<String, CompiledVirtualService> w : wildcards) {
      if (Hosts.wildcardMatches(w.getKey(), host)) {
        return w.getValue();
      }
    }
    return null;
  }
}
