package dev.mesh4j.istiod.internal;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.mesh4j.api.endpoint.Endpoint;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads an EDS {@code ClusterLoadAssignment} as istiod writes it ({@code pilot/pkg/xds/endpoints}):
 * endpoints grouped by locality and priority, each with its address, health, weight and the
 * {@code istio} metadata that names its workload. mesh4j balances over one priority: the lowest
 * that has a healthy endpoint (Envoy spills over to the next only when one is unhealthy).
 */
public final class EndpointMapper {
  /** Labels mesh4j gives an endpoint from istiod's workload metadata. */
  static final String CANONICAL_NAME = "service.istio.io/canonical-name";
  static final String CANONICAL_REVISION = "service.istio.io/canonical-revision";
  static final String TLS_MODE = "security.istio.io/tlsMode";
  /** The workload's name, as the Kubernetes source labels a Pod's endpoints. */
  static final String WORKLOAD_NAME = "service.istio.io/workload-name";
  static final String CLUSTER = "topology.istio.io/cluster";

  private EndpointMapper() {}

  /** Reads {@code cla}; problems go to {@code p}, their paths prefixed by {@code prefix}. */
  public static List<Endpoint> map(ClusterLoadAssignment cla, Problems p, String prefix) {
    if (cla.hasPolicy() && cla.getPolicy().getDropOverloadsCount() > 0) {
      p.error(prefix + "policy.drop_overloads", "dropping a share of requests is not supported");
    }
    int priority = Integer.MAX_VALUE;
    for (LocalityLbEndpoints l : cla.getEndpointsList()) {
      if (l.getPriority() < priority && l.getLbEndpointsList().stream().anyMatch(EndpointMapper::healthy)) {
        priority = l.getPriority();
      }
    }
    Map<String, Endpoint> out = new LinkedHashMap<>();
    for (int i = 0; i < cla.getEndpointsCount(); i++) {
      LocalityLbEndpoints l = cla.getEndpoints(i);
      String lpath = prefix + "endpoints[" + i + "].";
      if (l.hasLedsClusterLocalityConfig()) {
        p.error(lpath + "leds_cluster_locality_config", "LEDS is not supported");
      }
      String locality = locality(l.getLocality());
      for (int j = 0; j < l.getLbEndpointsCount(); j++) {
        LbEndpoint e = l.getLbEndpoints(j);
        String epath = lpath + "lb_endpoints[" + j + "].";
        Endpoint mapped = endpoint(e, locality, p, epath);
        if (mapped != null && l.getPriority() == priority && healthy(e)) {
          out.putIfAbsent(mapped.hostPort(), mapped);
        }
      }
    }
    return List.copyOf(out.values());
  }

  /**
   * Why {@code address} is neither an IP address nor a DNS name, or null when it is one. An HTTP
   * client refuses any other host (OkHttp throws on every request to it), so such an endpoint is a
   * problem when it is read, never a request's failure.
   */
  static @Nullable String addressProblem(String address) {
    String shown = address.length() > 64 ? address.substring(0, 64) + "…" : address;
    shown = shown.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? shown
        : shown.codePoints().mapToObj(c -> c > 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u%04x", c))
            .reduce("", String::concat);
    if (address.indexOf(':') >= 0) {
      // IPv6: hex digits and colons, at most one "::", an IPv4 tail allowed.
      boolean chars = address.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
      int doubles = address.split("::", -1).length - 1;
      if (!chars || doubles > 1 || address.length() > 45) {
        return "\"" + shown + "\" is not an IP address or DNS name";
      }
      return null;
    }
    if (address.length() > 253) {
      return "\"" + shown + "\" (" + address.length() + " characters) is longer than a DNS name (253)";
    }
    for (String label : address.split("\\.", -1)) {
      boolean ok = !label.isEmpty() && label.length() <= 63 && label.charAt(0) != '-'
          && label.charAt(label.length() - 1) != '-'
          && label.chars().allMatch(c -> c == '-' || c == '_' || c < 0x80 && Character.isLetterOrDigit(c));
      if (!ok) {
        return "\"" + shown + "\" is not an IP address or DNS name";
      }
    }
    return null;
  }

  /** Envoy balances over healthy, unknown (no health checks) and degraded endpoints. */
  static boolean healthy(LbEndpoint e) {
    HealthStatus s = e.getHealthStatus();
    return s == HealthStatus.HEALTHY || s == HealthStatus.UNKNOWN || s == HealthStatus.DEGRADED;
  }

  private static @Nullable Endpoint endpoint(LbEndpoint e, @Nullable String locality, Problems p, String path) {
    if (!e.hasEndpoint()) {
      p.error(path + "endpoint", e.getHostIdentifierCase() + " is not supported");
      return null;
    }
    var address = e.getEndpoint().getAddress();
    if (!address.hasSocketAddress()) {
      p.error(path + "endpoint.address", address.getAddressCase() + " is not supported (mesh4j connects to "
          + "IP addresses and ports)");
      return null;
    }
    var socket = address.getSocketAddress();
    if (socket.getPortSpecifierCase() != io.envoyproxy.envoy.config.core.v3.SocketAddress.PortSpecifierCase.PORT_VALUE
        || socket.getPortValue() < 1 || socket.getPortValue() > 65535) {
      p.error(path + "endpoint.address.socket_address.port_value", "expected a port 1..65535");
      return null;
    }
    if (socket.getAddress().isEmpty()) {
      p.error(path + "endpoint.address.socket_address.address", "empty");
      return null;
    }
    String invalid = addressProblem(socket.getAddress());
    if (invalid != null) {
      p.error(path + "endpoint.address.socket_address.address", invalid);
      return null;
    }
    int weight = 1;
    if (e.hasLoadBalancingWeight()) {
      long w = Protos.u32(e.getLoadBalancingWeight());
      if (w < 1) {
        p.error(path + "load_balancing_weight", w + " (expected: >= 1)");
        return null;
      }
      weight = (int) Math.min(Integer.MAX_VALUE, w);
    }
    return new Endpoint(socket.getAddress(), socket.getPortValue(), labels(e), weight, locality, null);
  }

  /** {@code region/zone/subzone}, as Istio writes a locality; null when the locality is empty. */
  static @Nullable String locality(Locality l) {
    if (l.getRegion().isEmpty() && l.getZone().isEmpty() && l.getSubZone().isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder(l.getRegion());
    if (!l.getZone().isEmpty() || !l.getSubZone().isEmpty()) {
      sb.append('/').append(l.getZone());
    }
    if (!l.getSubZone().isEmpty()) {
      sb.append('/').append(l.getSubZone());
    }
    return sb.toString();
  }

  /**
   * istiod's compact workload metadata ({@code workload: name;namespace;canonical-name;revision;cluster})
   * and TLS mode as labels: the canonical service also as {@code app}/{@code version}, what
   * mesh4j's metrics name the destination by; the workload's name as
   * {@code service.istio.io/workload-name} and its cluster as {@code topology.istio.io/cluster},
   * the labels the Kubernetes source gives a Pod's endpoints, so metrics name the destination
   * workload whichever source found it.
   */
  private static Map<String, String> labels(LbEndpoint e) {
    Map<String, String> labels = new LinkedHashMap<>();
    Struct istio = e.getMetadata().getFilterMetadataMap().get("istio");
    if (istio != null) {
      Value workload = istio.getFieldsMap().get("workload");
      if (workload != null) {
        String[] parts = workload.getStringValue().split(";", -1);
        if (parts.length >= 5) {
          // As istio_stats reads it (convertEndpointMetadata): fewer than five parts name nothing.
          if (!parts[0].isEmpty()) {
            labels.put(WORKLOAD_NAME, parts[0]);
          }
          if (!parts[4].isEmpty()) {
            labels.put(CLUSTER, parts[4]);
          }
        }
        if (parts.length >= 4) {
          if (!parts[2].isEmpty()) {
            labels.put(CANONICAL_NAME, parts[2]);
            labels.put("app", parts[2]);
          }
          if (!parts[3].isEmpty()) {
            labels.put(CANONICAL_REVISION, parts[3]);
            labels.put("version", parts[3]);
          }
        }
      }
    }
    Struct tls = e.getMetadata().getFilterMetadataMap().get("envoy.transport_socket_match");
    if (tls != null && tls.getFieldsMap().containsKey("tlsMode")) {
      labels.put(TLS_MODE, tls.getFieldsMap().get("tlsMode").getStringValue());
    }
    return labels;
  }

  /** The distinct addresses of a list, for tests and messages. */
  static Set<String> addresses(List<Endpoint> endpoints) {
    Set<String> out = new LinkedHashSet<>();
    for (Endpoint e : endpoints) {
      out.add(e.hostPort());
    }
    return out;
  }

  static List<Endpoint> copy(List<Endpoint> endpoints) {
    return new ArrayList<>(endpoints);
  }
}
