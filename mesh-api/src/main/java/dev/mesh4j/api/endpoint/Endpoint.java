package dev.mesh4j.api.endpoint;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Collections;
import org.jspecify.annotations.Nullable;

/**
 * One address a service's traffic can be sent to, for one service port.
 *
 * <p>Immutable; {@code withX} methods return modified copies. Two endpoints are the same
 * endpoint (for load-balancer and health state) when {@link #address()} and {@link #port()}
 * are equal.
 *
 * @param address an IP address (or a host name for DNS-resolved services)
 * @param port the port to connect to
 * @param labels the workload's labels; subsets select on these ({@code version: v1})
 * @param weight the load-balancing weight, at least 1
 * @param locality the locality ({@code region/zone/subzone}), or null
 * @param principal the identity the workload behind the endpoint presents under mutual TLS, as a
 *     SPIFFE URI ({@code spiffe://cluster.local/ns/default/sa/bookinfo-reviews}) — what istiod
 *     derives from the workload's service account — or null when unknown
 */
public record Endpoint(
    String address, int port, Map<String, String> labels, int weight, @Nullable String locality,
    @Nullable String principal) {

  public Endpoint {
    requireNonNull(address, "address");
    if (address.isEmpty()) {
      throw new IllegalArgumentException("address: \"\" (expected: an IP address or host name)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    if (weight < 1) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
    }
    if (labels == null || labels.isEmpty()) {
      labels = Map.of();
    } else if (labels.size() == 1) {
      // One label is common (version); Map.of is a fraction of a LinkedHashMap's size.
      var e = labels.entrySet().iterator().next();
      labels = Map.of(e.getKey(), e.getValue());
    } else {
      labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
  }

  /** An endpoint without a known principal. */
  public Endpoint(String address, int port, Map<String, String> labels, int weight, @Nullable String locality) {
    this(address, port, labels, weight, locality, null);
  }

  /** An endpoint with no labels and weight 1. */
  public static Endpoint of(String address, int port) {
    return new Endpoint(address, port, Map.of(), 1, null, null);
  }

  /** This endpoint with one more label. */
  public Endpoint withLabel(String name, String value) {
    Map<String, String> l = new LinkedHashMap<>(labels);
    l.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
    return new Endpoint(address, port, l, weight, locality, principal);
  }

  /** This endpoint with these labels instead of its own. */
  public Endpoint withLabels(Map<String, String> labels) {
    return new Endpoint(address, port, labels, weight, locality, principal);
  }

  /** This endpoint with another weight. */
  public Endpoint withWeight(int weight) {
    return new Endpoint(address, port, labels, weight, locality, principal);
  }

  /** This endpoint in another locality ({@code region/zone/subzone}). */
  public Endpoint withLocality(@Nullable String locality) {
    return new Endpoint(address, port, labels, weight, locality, principal);
  }

  /** This endpoint with the SPIFFE identity its workload presents under mutual TLS. */
  public Endpoint withPrincipal(@Nullable String principal) {
    return new Endpoint(address, port, labels, weight, locality, principal);
  }

  /** {@code address:port}, bracketing IPv6 addresses. */
  public String hostPort() {
    return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
  }

  /** Whether this endpoint carries every one of the given labels. */
  public boolean hasLabels(Map<String, String> selector) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return hostPort() + (labels.isEmpty() ? "" : labels.toString()) + (weight == 1 ? "" : " w=" + weight);
  }
}
