package dev.mesh4j.core.internal.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.Gateway;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.ServiceEntry;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.config.Sidecar;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.config.WorkloadEndpoint;
import dev.mesh4j.api.config.WorkloadEntry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes a resource as the Istio manifest it stands for ({@code apiVersion}, {@code kind},
 * {@code metadata}, {@code spec} in Istio's field names), so that a resource built in code is
 * validated by the very decoders that validate YAML ({@link ManifestReader#validate}).
 *
 * <p>Reading the written manifest gives back an equal resource (its origin aside): every field of
 * every record is written in the form its decoder reads. Where the model folds several Istio
 * spellings into one value, the current spelling is written: {@code mirrors} (not {@code mirror}
 * with {@code mirrorPercentage}), {@code percentage} (not the deprecated {@code percent}),
 * {@code ringHash} (not {@code minimumRingSize}), {@code warmup} (not
 * {@code warmupDurationSecs}), one egress listener holding a Sidecar's egress hosts, and an empty
 * {@code localityLbSetting} or {@code tcpKeepalive} for the model's "was given". Durations are
 * written as Istio writes them ({@code 1.5s}, {@code 200ms}, {@code 1m}), exactly: a duration
 * finer than a millisecond is written in fractional seconds ({@code 0.0005s}). Routes are
 * written by {@link HttpRouteWriter}, traffic policies by {@link TrafficPolicyWriter}, mirroring
 * the decoders. Stateless and thread-safe.
 */
public final class ManifestWriter {
  /** The API version written: resources of every kind mesh4j reads are served at v1. */
  static final String API_VERSION = ResourceDecoder.GROUP + "/v1";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private ManifestWriter() {}

  /** The manifest of {@code resource}. */
  public static ObjectNode write(IstioResource resource) {
    ObjectNode doc = JSON.objectNode();
    doc.put("apiVersion", API_VERSION);
    doc.put("kind", resource.kind());
    doc.set("metadata", metadata(resource.metadata()));
    ObjectNode spec = doc.putObject("spec");
    if (resource instanceof VirtualService v) {
      virtualService(spec, v);
    } else if (resource instanceof DestinationRule d) {
      destinationRule(spec, d);
    } else if (resource instanceof ServiceEntry s) {
      serviceEntry(spec, s);
    } else if (resource instanceof WorkloadEntry w) {
      workloadEndpoint(spec, w.spec());
    } else if (resource instanceof Sidecar s) {
      sidecar(spec, s);
    } else {
      gateway(spec, (Gateway) resource);
    }
    return doc;
  }

  private static ObjectNode metadata(ObjectMeta m) {
    ObjectNode out = JSON.objectNode();
    out.put("name", m.name());
    // An unset namespace is the workload's: the decoder fills it in, as for YAML without one.
    if (!m.namespace().isEmpty()) {
      out.put("namespace", m.namespace());
    }
    putMap(out, "labels", m.labels());
    putMap(out, "annotations", m.annotations());
    if (m.creationTimestamp() != null) {
      out.put("creationTimestamp", m.creationTimestamp().toString());
    }
    return out;
  }

  // ---- VirtualService ----------------------------------------------------------------------

  private static void virtualService(ObjectNode spec, VirtualService v) {
    putStrings(spec, "hosts", v.hosts());
    putStrings(spec, "gateways", v.gateways());
    if (!v.http().isEmpty()) {
      ArrayNode http = spec.putArray("http");
      v.http().forEach(r -> http.add(HttpRouteWriter.route(r)));
    }
    if (!v.tls().isEmpty()) {
      ArrayNode tls = spec.putArray("tls");
      v.tls().forEach(r -> tls.add(L4RouteWriter.tls(r)));
    }
    if (!v.tcp().isEmpty()) {
      ArrayNode tcp = spec.putArray("tcp");
      v.tcp().forEach(r -> tcp.add(L4RouteWriter.tcp(r)));
    }
    putStrings(spec, "exportTo", v.exportTo());
  }

  // ---- DestinationRule ---------------------------------------------------------------------

  private static void destinationRule(ObjectNode spec, DestinationRule d) {
    spec.put("host", d.host());
    if (d.trafficPolicy() != null) {
      spec.set("trafficPolicy", TrafficPolicyWriter.trafficPolicy(d.trafficPolicy()));
    }
    if (!d.subsets().isEmpty()) {
      ArrayNode subsets = spec.putArray("subsets");
      d.subsets().forEach(s -> subsets.add(TrafficPolicyWriter.subset(s)));
    }
    putStrings(spec, "exportTo", d.exportTo());
    if (!d.workloadSelector().isEmpty()) {
      putMap(spec.putObject("workloadSelector"), "matchLabels", d.workloadSelector());
    }
  }

  // ---- ServiceEntry, WorkloadEntry ---------------------------------------------------------

  private static void serviceEntry(ObjectNode spec, ServiceEntry s) {
    putStrings(spec, "hosts", s.hosts());
    putStrings(spec, "addresses", s.addresses());
    if (!s.ports().isEmpty()) {
      ArrayNode ports = spec.putArray("ports");
      for (ServicePort p : s.ports()) {
        ObjectNode o = ports.addObject();
        o.put("number", p.number());
        o.put("protocol", p.protocol());
        o.put("name", p.name());
        putInt(o, "targetPort", p.targetPort());
      }
    }
    if (s.location() != ServiceEntry.Location.MESH_EXTERNAL) {
      spec.put("location", s.location().name());
    }
    if (s.resolution() != ServiceEntry.Resolution.NONE) {
      spec.put("resolution", s.resolution().name());
    }
    if (!s.endpoints().isEmpty()) {
      ArrayNode endpoints = spec.putArray("endpoints");
      s.endpoints().forEach(e -> workloadEndpoint(endpoints.addObject(), e));
    }
    if (!s.workloadSelector().isEmpty()) {
      putMap(spec.putObject("workloadSelector"), "labels", s.workloadSelector());
    }
    putStrings(spec, "exportTo", s.exportTo());
    putStrings(spec, "subjectAltNames", s.subjectAltNames());
  }

  private static void workloadEndpoint(ObjectNode out, WorkloadEndpoint e) {
    out.put("address", e.address());
    if (!e.ports().isEmpty()) {
      ObjectNode ports = out.putObject("ports");
      e.ports().forEach(ports::put);
    }
    putMap(out, "labels", e.labels());
    putString(out, "network", e.network());
    putString(out, "locality", e.locality());
    putInt(out, "weight", e.weight());
    putString(out, "serviceAccount", e.serviceAccount());
  }

  // ---- Sidecar, Gateway --------------------------------------------------------------------

  /** The egress hosts as one listener without a port: the model keeps one list for all ports. */
  private static void sidecar(ObjectNode spec, Sidecar s) {
    if (!s.workloadSelector().isEmpty()) {
      putMap(spec.putObject("workloadSelector"), "labels", s.workloadSelector());
    }
    if (!s.egressHosts().isEmpty()) {
      putStrings(spec.putArray("egress").addObject(), "hosts", s.egressHosts());
    }
    if (s.outboundTrafficPolicy() != null) {
      spec.putObject("outboundTrafficPolicy").put("mode", s.outboundTrafficPolicy().name());
    }
  }

  private static void gateway(ObjectNode spec, Gateway g) {
    putMap(spec, "selector", g.selector());
    if (!g.servers().isEmpty()) {
      ArrayNode servers = spec.putArray("servers");
      for (Gateway.Server s : g.servers()) {
        ObjectNode o = servers.addObject();
        ObjectNode port = o.putObject("port").put("number", s.portNumber());
        if (!s.protocol().isEmpty()) {
          port.put("protocol", s.protocol());
        }
        putStrings(o, "hosts", s.hosts());
        putString(o, "name", s.name());
      }
    }
  }

  // ---- values (shared with HttpRouteWriter and TrafficPolicyWriter) -------------------------

  static void putString(ObjectNode out, String field, @Nullable String value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  static void putInt(ObjectNode out, String field, @Nullable Integer value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  static void putDouble(ObjectNode out, String field, @Nullable Double value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  static void putBoolean(ObjectNode out, String field, @Nullable Boolean value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  static void putPercentage(ObjectNode out, String field, double value) {
    out.putObject(field).put("value", value);
  }

  static void putStrings(ObjectNode out, String field, Collection<String> values) {
    if (!values.isEmpty()) {
      ArrayNode a = out.putArray(field);
      values.forEach(a::add);
    }
  }

  static void putMap(ObjectNode out, String field, Map<String, String> values) {
    if (!values.isEmpty()) {
      ObjectNode o = out.putObject(field);
      values.forEach(o::put);
    }
  }

  static void putDuration(ObjectNode out, String field, @Nullable Duration d) {
    if (d != null) {
      out.put(field, duration(d));
    }
  }

  /**
   * A duration in Go's syntax, as Istio writes it ({@code 1h}, {@code 1m}, {@code 30s},
   * {@code 1.5s}, {@code 200ms}), and exactly: one finer than a millisecond in fractional seconds
   * ({@code 0.0005s}), a negative one with a leading {@code -}.
   */
  static String duration(Duration d) {
    if (d.isNegative()) {
      return "-" + duration(d.negated());
    }
    if (d.isZero()) {
      return "0s";
    }
    if (d.getNano() == 0) {
      if (d.toSeconds() % HOUR.toSeconds() == 0) {
        return d.toHours() + "h";
      }
      if (d.toSeconds() % MINUTE.toSeconds() == 0) {
        return d.toMinutes() + "m";
      }
      return d.toSeconds() + "s";
    }
    if (d.getSeconds() == 0 && d.getNano() % 1_000_000 == 0) {
      return d.getNano() / 1_000_000 + "ms";
    }
    return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9))
        .stripTrailingZeros().toPlainString() + "s";
  }
}
