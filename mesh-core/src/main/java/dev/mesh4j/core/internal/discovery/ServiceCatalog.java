package dev.mesh4j.core.internal.discovery;

import dev.mesh4j.core.internal.common.Hosts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The services a workload knows, indexed for request-time lookup. Immutable and thread-safe.
 *
 * <p>A request host resolves the way Envoy's virtual-host domains for a pod make it resolve: the
 * exact name first, then the Kubernetes short forms against the workload's namespace
 * ({@code reviews}, {@code reviews.default}, {@code reviews.default.svc}), then the most
 * specific wildcard service.
 */
public final class ServiceCatalog {
  private final Map<String, Service> byName;
  private final List<Service> wildcards;
  private final String namespace;
  private final String domainSuffix;

  public ServiceCatalog(Map<String, Service> byName, List<Service> wildcards, String namespace,
      String domainSuffix) {
    this.byName = Map.copyOf(byName);
    List<Service> w = new ArrayList<>(wildcards);
    // Longest suffix first: the most specific wildcard wins.
    w.sort(Comparator.comparingInt((Service s) -> s.hostname().length()).reversed());
    this.wildcards = List.copyOf(w);
    this.namespace = namespace;
    this.domainSuffix = domainSuffix;
  }

  /** The service with exactly this canonical name, or null. */
  public @Nullable Service byName(String hostname) {
    return byName.get(hostname);
  }

  /** Every service, exact ones first. */
  public List<Service> all() {
    List<Service> all = new ArrayList<>(byName.values());
    all.sort(Comparator.comparing(Service::hostname));
    all.addAll(wildcards);
    return all;
  }

  /** The service a request host (lower case, no port) names, or null when it is unknown. */
  public @Nullable Service lookup(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    Service s = byName.get(h);
    if (s != null) {
      return s;
    }
    String suffix = ".svc." + domainSuffix;
    int dots = countDots(h);
    if (dots == 0) {
      s = byName.get(h + "." + namespace + suffix);
    } else if (dots == 1) {
      s = byName.get(h + suffix);
    } else if (dots == 2 && h.endsWith(".svc")) {
      s = byName.get(h + "." + domainSuffix);
    }
    if (s != null) {
      return s;
    }
    for (Service w : wildcards) {
      if (Hosts.wildcardMatches(w.hostname(), h)) {
        return w;
      }
    }
    return null;
  }

  /**
   * The most specific wildcard service that matches a request host and has the given port, or
   * null. Sidecars build virtual hosts per port, so on a port the host's own service lacks, a
   * wildcard service with that port takes the request.
   */
  public @Nullable Service lookupWildcard(String host, int port) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    for (Service w : wildcards) {
      if (w.port(port) != null && Hosts.wildcardMatches(w.hostname(), h)) {
        return w;
      }
    }
    return null;
  }

  private static int countDots(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '.') {
        n++;
      }
    }
    return n;
  }
}
