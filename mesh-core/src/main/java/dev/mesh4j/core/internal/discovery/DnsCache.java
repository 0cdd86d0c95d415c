package dev.mesh4j.core.internal.discovery;

import dev.mesh4j.api.runtime.DnsResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Addresses of the host names DNS-resolved services use, resolved through the injected
 * {@link DnsResolver} off the request path: on first use while a snapshot is compiled, then on
 * every {@link #refresh()}. A name that fails to resolve keeps its last good addresses (Envoy
 * keeps serving the last result too). Thread-safe.
 */
public final class DnsCache {
  private static final Logger log = LoggerFactory.getLogger(DnsCache.class);

  private final DnsResolver resolver;
  private final Map<String, List<String>> addresses = new ConcurrentHashMap<>();

  public DnsCache(DnsResolver resolver) {
    this.resolver = resolver;
  }

  /** The addresses of a name, resolving it now if it was never resolved. */
  public List<String> addresses(String host) {
    List<String> cached = addresses.get(host);
    if (cached != null) {
      return cached;
    }
    List<String> resolved = resolve(host);
    addresses.put(host, resolved == null ? List.of() : resolved);
    return addresses.get(host);
  }

  /**
   * Resolves every known name again.
   *
   * @return whether any name's addresses changed
   */
  public boolean refresh() {
    boolean changed = false;
    for (Map.Entry<String, List<String>> e : addresses.entrySet()) {
      List<String> now = resolve(e.getKey());
      if (now != null && !now.equals(e.getValue())) {
        e.setValue(now);
        changed = true;
      }
    }
    return changed;
  }

  /** Forgets names no service uses any more. */
  public void retain(java.util.Set<String> hosts) {
    addresses.keySet().retainAll(hosts);
  }

  private @org.jspecify.annotations.Nullable List<String> resolve(String host) {
    try {
      List<InetAddress> found = resolver.resolve(host);
      List<String> out = new ArrayList<>(found.size());
      for (InetAddress a : found) {
        out.add(a.getHostAddress());
      }
      return List.copyOf(out);
    } catch (UnknownHostException e) {
      log.warn("DNS: cannot resolve {}: {}", host, e.getMessage());
      return null;
    } catch (RuntimeException e) {
      log.warn("DNS: resolver failed for {}", host, e);
      return null;
    }
  }
}
