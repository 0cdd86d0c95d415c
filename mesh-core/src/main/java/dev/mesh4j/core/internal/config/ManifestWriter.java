package dev.mesh4j.core.internal.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.Delegate;
import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.Gateway;
import dev.mesh4j.api.config.HeaderOperations;
import dev.mesh4j.api.config.Headers;
import dev.mesh4j.api.config.HttpDirectResponse;
import dev.mesh4j.api.config.HttpFaultInjection;
import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.HttpMirrorPolicy;
import dev.mesh4j.api.config.HttpRedirect;
import dev.mesh4j.api.config.HttpRetry;
import dev.mesh4j.api.config.HttpRewrite;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.HttpRouteDestination;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.config.PortTrafficPolicy;
import dev.mesh4j.api.config.ServiceEntry;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.config.Sidecar;
import dev.mesh4j.api.config.StringMatch;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
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
 * finer than a millisecond is written in fractional seconds ({@code 0.0005s}). Stateless and
 * thread-safe.
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
      v.http().forEach(r -> http.add(route(r)));
    }
    putStrings(spec, "exportTo", v.exportTo());
  }

  private static ObjectNode route(HttpRoute r) {
    ObjectNode out = JSON.objectNode();
    putString(out, "name", r.name());
    if (!r.match().isEmpty()) {
      ArrayNode match = out.putArray("match");
      r.match().forEach(m -> match.add(match(m)));
    }
    if (!r.route().isEmpty()) {
      ArrayNode route = out.putArray("route");
      r.route().forEach(d -> route.add(routeDestination(d)));
    }
    if (r.redirect() != null) {
      out.set("redirect", redirect(r.redirect()));
    }
    if (r.directResponse() != null) {
      out.set("directResponse", directResponse(r.directResponse()));
    }
    if (r.delegate() != null) {
      out.set("delegate", delegate(r.delegate()));
    }
    if (r.rewrite() != null) {
      out.set("rewrite", rewrite(r.rewrite()));
    }
    putDuration(out, "timeout", r.timeout());
    if (r.retries() != null) {
      out.set("retries", retries(r.retries()));
    }
    if (r.fault() != null) {
      out.set("fault", fault(r.fault()));
    }
    if (!r.mirrors().isEmpty()) {
      ArrayNode mirrors = out.putArray("mirrors");
      r.mirrors().forEach(m -> mirrors.add(mirror(m)));
    }
    putHeaders(out, r.headers());
    return out;
  }

  private static ObjectNode match(HttpMatchRequest m) {
    ObjectNode out = JSON.objectNode();
    putString(out, "name", m.name());
    putStringMatch(out, "uri", m.uri());
    putStringMatch(out, "scheme", m.scheme());
    putStringMatch(out, "method", m.method());
    putStringMatch(out, "authority", m.authority());
    putStringMatches(out, "headers", m.headers());
    putStringMatches(out, "withoutHeaders", m.withoutHeaders());
    putStringMatches(out, "queryParams", m.queryParams());
    if (m.ignoreUriCase()) {
      out.put("ignoreUriCase", true);
    }
    putInt(out, "port", m.port());
    putMap(out, "sourceLabels", m.sourceLabels());
    putStrings(out, "gateways", m.gateways());
    putString(out, "sourceNamespace", m.sourceNamespace());
    return out;
  }

  private static void putStringMatch(ObjectNode out, String field, @Nullable StringMatch sm) {
    if (sm != null) {
      out.set(field, stringMatch(sm));
    }
  }

  private static void putStringMatches(ObjectNode out, String field, Map<String, StringMatch> m) {
    if (!m.isEmpty()) {
      ObjectNode o = out.putObject(field);
      m.forEach((k, v) -> o.set(k, stringMatch(v)));
    }
  }

  /** An empty StringMatch ({@code {}}) is the model's "present with any value". */
  private static ObjectNode stringMatch(StringMatch sm) {
    ObjectNode out = JSON.objectNode();
    switch (sm.kind()) {
      case EXACT -> out.put("exact", sm.value());
      case PREFIX -> out.put("prefix", sm.value());
      case REGEX -> out.put("regex", sm.value());
      case PRESENT -> { }
      default -> throw new AssertionError(sm.kind());
    }
    return out;
  }

  private static ObjectNode routeDestination(HttpRouteDestination d) {
    ObjectNode out = JSON.objectNode();
    out.set("destination", destination(d.destination()));
    putInt(out, "weight", d.weight());
    putHeaders(out, d.headers());
    return out;
  }

  private static ObjectNode destination(Destination d) {
    ObjectNode out = JSON.objectNode();
    out.put("host", d.host());
    putString(out, "subset", d.subset());
    if (d.port() != null) {
      out.putObject("port").put("number", d.port());
    }
    return out;
  }

  private static void putHeaders(ObjectNode out, Headers h) {
    if (h.isEmpty()) {
      return;
    }
    ObjectNode headers = out.putObject("headers");
    if (!h.request().isEmpty()) {
      headers.set("request", headerOperations(h.request()));
    }
    if (!h.response().isEmpty()) {
      headers.set("response", headerOperations(h.response()));
    }
  }

  private static ObjectNode headerOperations(HeaderOperations ops) {
    ObjectNode out = JSON.objectNode();
    putMap(out, "set", ops.set());
    putMap(out, "add", ops.add());
    putStrings(out, "remove", ops.remove());
    return out;
  }

  private static ObjectNode redirect(HttpRedirect r) {
    ObjectNode out = JSON.objectNode();
    putString(out, "uri", r.uri());
    putString(out, "prefixRewrite", r.prefixRewrite());
    putString(out, "authority", r.authority());
    putInt(out, "port", r.port());
    if (r.derivePort() != null) {
      out.put("derivePort", r.derivePort().name());
    }
    putString(out, "scheme", r.scheme());
    if (r.redirectCode() != HttpRedirect.DEFAULT_REDIRECT_CODE) {
      out.put("redirectCode", r.redirectCode());
    }
    return out;
  }

  /** The body as Istio's {@code body.string} or {@code body.bytes} (base64, as the record keeps it). */
  private static ObjectNode directResponse(HttpDirectResponse d) {
    ObjectNode out = JSON.objectNode();
    out.put("status", d.status());
    if (d.bodyString() != null || d.bodyBase64() != null) {
      ObjectNode body = out.putObject("body");
      putString(body, "string", d.bodyString());
      putString(body, "bytes", d.bodyBase64());
    }
    return out;
  }

  private static ObjectNode delegate(Delegate d) {
    ObjectNode out = JSON.objectNode();
    out.put("name", d.name());
    putString(out, "namespace", d.namespace());
    return out;
  }

  private static ObjectNode rewrite(HttpRewrite r) {
    ObjectNode out = JSON.objectNode();
    putString(out, "uri", r.uri());
    putString(out, "authority", r.authority());
    if (r.uriRegexRewrite() != null) {
      out.putObject("uriRegexRewrite")
          .put("match", r.uriRegexRewrite().match())
          .put("rewrite", r.uriRegexRewrite().rewrite());
    }
    return out;
  }

  private static ObjectNode retries(HttpRetry r) {
    ObjectNode out = JSON.objectNode();
    out.put("attempts", r.attempts());
    putDuration(out, "perTryTimeout", r.perTryTimeout());
    putString(out, "retryOn", r.retryOn());
    putBoolean(out, "retryRemoteLocalities", r.retryRemoteLocalities());
    putBoolean(out, "retryIgnorePreviousHosts", r.retryIgnorePreviousHosts());
    putDuration(out, "backoff", r.backoff());
    return out;
  }

  private static ObjectNode fault(HttpFaultInjection f) {
    ObjectNode out = JSON.objectNode();
    if (f.delay() != null) {
      ObjectNode delay = out.putObject("delay");
      putDuration(delay, "fixedDelay", f.delay().fixedDelay());
      putPercentage(delay, "percentage", f.delay().percentage());
    }
    if (f.abort() != null) {
      ObjectNode abort = out.putObject("abort");
      putInt(abort, "httpStatus", f.abort().httpStatus());
      putString(abort, "grpcStatus", f.abort().grpcStatus());
      putPercentage(abort, "percentage", f.abort().percentage());
    }
    return out;
  }

  /** A mirror in Istio's {@code mirrors} form; the percentage is written unless it is 100. */
  private static ObjectNode mirror(HttpMirrorPolicy m) {
    ObjectNode out = JSON.objectNode();
    out.set("destination", destination(m.destination()));
    if (Double.compare(m.percentage(), 100) != 0) {
      putPercentage(out, "percentage", m.percentage());
    }
    return out;
  }

  // ---- DestinationRule ---------------------------------------------------------------------

  private static void destinationRule(ObjectNode spec, DestinationRule d) {
    spec.put("host", d.host());
    if (d.trafficPolicy() != null) {
      spec.set("trafficPolicy", trafficPolicy(d.trafficPolicy()));
    }
    if (!d.subsets().isEmpty()) {
      ArrayNode subsets = spec.putArray("subsets");
      d.subsets().forEach(s -> subsets.add(subset(s)));
    }
    putStrings(spec, "exportTo", d.exportTo());
    if (!d.workloadSelector().isEmpty()) {
      putMap(spec.putObject("workloadSelector"), "matchLabels", d.workloadSelector());
    }
  }

  private static ObjectNode subset(Subset s) {
    ObjectNode out = JSON.objectNode();
    out.put("name", s.name());
    putMap(out, "labels", s.labels());
    if (s.trafficPolicy() != null) {
      out.set("trafficPolicy", trafficPolicy(s.trafficPolicy()));
    }
    return out;
  }

  private static ObjectNode trafficPolicy(TrafficPolicy p) {
    ObjectNode out = JSON.objectNode();
    policies(out, p.loadBalancer(), p.connectionPool(), p.outlierDetection(), p.tls());
    if (!p.portLevelSettings().isEmpty()) {
      ArrayNode ports = out.putArray("portLevelSettings");
      for (PortTrafficPolicy port : p.portLevelSettings()) {
        ObjectNode o = ports.addObject();
        o.putObject("port").put("number", port.port());
        policies(o, port.loadBalancer(), port.connectionPool(), port.outlierDetection(), port.tls());
      }
    }
    return out;
  }

  private static void policies(ObjectNode out, @Nullable LoadBalancerSettings lb,
      @Nullable ConnectionPoolSettings pool, @Nullable OutlierDetection outlier,
      @Nullable ClientTlsSettings tls) {
    if (lb != null) {
      out.set("loadBalancer", loadBalancer(lb));
    }
    if (pool != null) {
      out.set("connectionPool", connectionPool(pool));
    }
    if (outlier != null) {
      out.set("outlierDetection", outlierDetection(outlier));
    }
    if (tls != null) {
      out.set("tls", tls(tls));
    }
  }

  private static ObjectNode loadBalancer(LoadBalancerSettings lb) {
    ObjectNode out = JSON.objectNode();
    if (lb.simple() != null) {
      out.put("simple", lb.simple().name());
    }
    if (lb.consistentHash() != null) {
      out.set("consistentHash", consistentHash(lb.consistentHash()));
    }
    if (lb.localityLbSettingPresent()) {
      // The model keeps only that locality settings were given (mesh4j does not apply them).
      out.putObject("localityLbSetting");
    }
    LoadBalancerSettings.Warmup w = lb.warmup();
    if (w != null) {
      ObjectNode warmup = out.putObject("warmup");
      putDuration(warmup, "duration", w.duration());
      putDouble(warmup, "minimumPercent", w.minimumPercent());
      putDouble(warmup, "aggression", w.aggression());
    }
    return out;
  }

  private static ObjectNode consistentHash(ConsistentHashLb h) {
    ObjectNode out = JSON.objectNode();
    putString(out, "httpHeaderName", h.httpHeaderName());
    ConsistentHashLb.HttpCookie c = h.httpCookie();
    if (c != null) {
      ObjectNode cookie = out.putObject("httpCookie");
      cookie.put("name", c.name());
      putString(cookie, "path", c.path());
      putDuration(cookie, "ttl", c.ttl());
      if (!c.attributes().isEmpty()) {
        ArrayNode attributes = cookie.putArray("attributes");
        for (ConsistentHashLb.Attribute a : c.attributes()) {
          ObjectNode o = attributes.addObject().put("name", a.name());
          putString(o, "value", a.value());
        }
      }
    }
    if (h.useSourceIp()) {
      out.put("useSourceIp", true);
    }
    putString(out, "httpQueryParameterName", h.httpQueryParameterName());
    if (h.ringHashMinimumRingSize() != null) {
      out.putObject("ringHash").put("minimumRingSize", h.ringHashMinimumRingSize());
    }
    if (h.maglev()) {
      ObjectNode maglev = out.putObject("maglev");
      if (h.maglevTableSize() != null) {
        maglev.put("tableSize", h.maglevTableSize());
      }
    }
    return out;
  }

  private static ObjectNode connectionPool(ConnectionPoolSettings p) {
    ObjectNode out = JSON.objectNode();
    ConnectionPoolSettings.Tcp t = p.tcp();
    if (t != null) {
      ObjectNode tcp = out.putObject("tcp");
      putInt(tcp, "maxConnections", t.maxConnections());
      putDuration(tcp, "connectTimeout", t.connectTimeout());
      if (t.tcpKeepalivePresent()) {
        // The model keeps only that keepalive was given (mesh4j does not apply it).
        tcp.putObject("tcpKeepalive");
      }
      putDuration(tcp, "maxConnectionDuration", t.maxConnectionDuration());
      putDuration(tcp, "idleTimeout", t.idleTimeout());
    }
    ConnectionPoolSettings.Http h = p.http();
    if (h != null) {
      ObjectNode http = out.putObject("http");
      putInt(http, "http1MaxPendingRequests", h.http1MaxPendingRequests());
      putInt(http, "http2MaxRequests", h.http2MaxRequests());
      putInt(http, "maxRequestsPerConnection", h.maxRequestsPerConnection());
      putInt(http, "maxRetries", h.maxRetries());
      putDuration(http, "idleTimeout", h.idleTimeout());
      putString(http, "h2UpgradePolicy", h.h2UpgradePolicy());
      putBoolean(http, "useClientProtocol", h.useClientProtocol());
      putInt(http, "maxConcurrentStreams", h.maxConcurrentStreams());
    }
    return out;
  }

  private static ObjectNode outlierDetection(OutlierDetection o) {
    ObjectNode out = JSON.objectNode();
    putInt(out, "consecutiveErrors", o.consecutiveErrors());
    putBoolean(out, "splitExternalLocalOriginErrors", o.splitExternalLocalOriginErrors());
    putInt(out, "consecutiveLocalOriginFailures", o.consecutiveLocalOriginFailures());
    putInt(out, "consecutiveGatewayErrors", o.consecutiveGatewayErrors());
    putInt(out, "consecutive5xxErrors", o.consecutive5xxErrors());
    putDuration(out, "interval", o.interval());
    putDuration(out, "baseEjectionTime", o.baseEjectionTime());
    putInt(out, "maxEjectionPercent", o.maxEjectionPercent());
    putInt(out, "minHealthPercent", o.minHealthPercent());
    return out;
  }

  private static ObjectNode tls(ClientTlsSettings t) {
    ObjectNode out = JSON.objectNode();
    out.put("mode", t.mode().name());
    putString(out, "clientCertificate", t.clientCertificate());
    putString(out, "privateKey", t.privateKey());
    putString(out, "caCertificates", t.caCertificates());
    putString(out, "credentialName", t.credentialName());
    putStrings(out, "subjectAltNames", t.subjectAltNames());
    putString(out, "sni", t.sni());
    putBoolean(out, "insecureSkipVerify", t.insecureSkipVerify());
    return out;
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

  // ---- values ------------------------------------------------------------------------------

  private static void putString(ObjectNode out, String field, @Nullable String value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  private static void putInt(ObjectNode out, String field, @Nullable Integer value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  private static void putDouble(ObjectNode out, String field, @Nullable Double value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  private static void putBoolean(ObjectNode out, String field, @Nullable Boolean value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  private static void putPercentage(ObjectNode out, String field, double value) {
    out.putObject(field).put("value", value);
  }

  private static void putStrings(ObjectNode out, String field, Collection<String> values) {
    if (!values.isEmpty()) {
      ArrayNode a = out.putArray(field);
      values.forEach(a::add);
    }
  }

  private static void putMap(ObjectNode out, String field, Map<String, String> values) {
    if (!values.isEmpty()) {
      ObjectNode o = out.putObject(field);
      values.forEach(o::put);
    }
  }

  private static void putDuration(ObjectNode out, String field, @Nullable Duration d) {
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
