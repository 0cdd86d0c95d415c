package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.config.PortTrafficPolicy;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Decodes and validates a {@code DestinationRule} spec. */
final class DestinationRuleDecoder {
  private DestinationRuleDecoder() {}

  static DestinationRule decode(ObjectMeta meta, Node spec) {
    String host = spec.requiredString("host");
    if (!host.isEmpty()) {
      String why = Hosts.invalidWildcardDomain(host, true);
      if (why != null) {
        spec.get("host").error(why);
      }
    }
    TrafficPolicy policy = trafficPolicy(spec.get("trafficPolicy"), true);
    List<Subset> subsets = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Node s : spec.get("subsets").elements()) {
      if (!s.expectObject()) {
        continue;
      }
      String name = s.requiredString("name");
      if (!name.isEmpty() && !Hosts.isDns1123Label(name)) {
        s.get("name").error("subset name \"" + name + "\" is not a valid DNS-1123 label");
      } else if (!name.isEmpty() && !names.add(name)) {
        s.get("name").error("duplicate subset name \"" + name + "\"");
      }
      Map<String, String> labels = CommonDecoders.labels(s.get("labels"));
      TrafficPolicy subsetPolicy = trafficPolicy(s.get("trafficPolicy"), true);
      subsets.add(new Subset(name, labels, subsetPolicy));
    }
    List<String> exportTo = CommonDecoders.exportTo(spec.get("exportTo"));
    Map<String, String> selector = Map.of();
    Node ws = spec.get("workloadSelector");
    if (ws.expectObject()) {
      selector = CommonDecoders.labels(ws.get("matchLabels"));
      if (selector.isEmpty()) {
        ws.error("workloadSelector must have at least one label in matchLabels");
      }
    }
    return new DestinationRule(meta, host, policy, subsets, exportTo, selector);
  }

  static @Nullable TrafficPolicy trafficPolicy(Node n, boolean allowPortLevel) {
    if (!n.expectObject()) {
      return null;
    }
    LoadBalancerSettings lb = LoadBalancerDecoder.loadBalancer(n.get("loadBalancer"));
    ConnectionPoolSettings pool = connectionPool(n.get("connectionPool"));
    OutlierDetection outlier = outlierDetection(n.get("outlierDetection"));
    ClientTlsSettings tls = tls(n.get("tls"));
    List<PortTrafficPolicy> ports = new ArrayList<>();
    Node pls = n.get("portLevelSettings");
    if (!allowPortLevel && !pls.isMissing()) {
      pls.error("portLevelSettings are not allowed here");
    }
    Set<Integer> seen = new HashSet<>();
    for (Node p : pls.elements()) {
      if (!p.expectObject()) {
        continue;
      }
      Node portNode = p.get("port");
      Integer port = portNode.isMissing() ? null : CommonDecoders.portSelector(portNode);
      if (portNode.isMissing()) {
        portNode.error("port must be specified in portLevelSettings");
      } else if (port != null && !seen.add(port)) {
        portNode.error("duplicate port " + port + " in portLevelSettings");
      }
      LoadBalancerSettings plb = LoadBalancerDecoder.loadBalancer(p.get("loadBalancer"));
      ConnectionPoolSettings ppool = connectionPool(p.get("connectionPool"));
      OutlierDetection pout = outlierDetection(p.get("outlierDetection"));
      ClientTlsSettings ptls = tls(p.get("tls"));
      if (port != null) {
        ports.add(new PortTrafficPolicy(port, plb, ppool, pout, ptls));
      }
    }
    n.get("tunnel");
    n.get("proxyProtocol");
    if (!n.get("retryBudget").isMissing()) {
      n.get("retryBudget").warn("retryBudget is not applied by mesh4j yet (ignored)");
    }
    return new TrafficPolicy(lb, pool, outlier, tls, ports);
  }

  private static @Nullable ConnectionPoolSettings connectionPool(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    if (n.fieldNames().isEmpty()) {
      n.error("connection pool must have at least one field");
      return null;
    }
    ConnectionPoolSettings.Tcp tcp = null;
    Node t = n.get("tcp");
    if (t.expectObject()) {
      Integer maxConnections = positive(t.get("maxConnections"), "max connections");
      java.time.Duration connectTimeout = t.duration("connectTimeout");
      Node ka = t.get("tcpKeepalive");
      if (ka.expectObject()) {
        ka.uint32("probes");
        ka.duration("time");
        ka.duration("interval");
      }
      java.time.Duration maxDuration = t.duration("maxConnectionDuration");
      java.time.Duration idle = t.duration("idleTimeout");
      tcp = new ConnectionPoolSettings.Tcp(maxConnections, connectTimeout, !ka.isMissing(),
          maxDuration, idle);
    }
    ConnectionPoolSettings.Http http = null;
    Node h = n.get("http");
    if (h.expectObject()) {
      Integer pending = nonNegative(h.get("http1MaxPendingRequests"), "http1 max pending requests");
      Integer maxRequests = nonNegative(h.get("http2MaxRequests"), "http2 max requests");
      Integer perConnection = nonNegative(h.get("maxRequestsPerConnection"), "max requests per connection");
      Integer maxRetries = nonNegative(h.get("maxRetries"), "max retries");
      java.time.Duration idle = h.duration("idleTimeout");
      Node up = h.get("h2UpgradePolicy");
      String upgrade = up.asString();
      if (upgrade != null && !Set.of("DEFAULT", "DO_NOT_UPGRADE", "UPGRADE").contains(upgrade)) {
        up.error("unknown value \"" + upgrade + "\" (expected one of: DEFAULT, DO_NOT_UPGRADE, UPGRADE)");
      }
      Boolean useClient = h.bool("useClientProtocol");
      Integer streams = nonNegative(h.get("maxConcurrentStreams"), "max concurrent streams");
      http = new ConnectionPoolSettings.Http(pending, maxRequests, perConnection, maxRetries, idle,
          upgrade, useClient, streams);
    }
    return new ConnectionPoolSettings(tcp, http);
  }

  private static @Nullable Integer nonNegative(Node n, String what) {
    Integer v = n.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (v != null && v < 0) {
      n.error(what + " must be greater than or equal to 0 (" + v + ")");
      return null;
    }
    return v;
  }

  private static @Nullable Integer positive(Node n, String what) {
    Integer v = n.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (v != null && v <= 0) {
      n.error(what + " must be greater than 0 (" + v + ")");
      return null;
    }
    return v;
  }

  private static @Nullable OutlierDetection outlierDetection(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    Integer consecutiveErrors = nonNegative(n.get("consecutiveErrors"), "outlier detection consecutive errors");
    if (consecutiveErrors != null) {
      n.get("consecutiveErrors").warn(
          "consecutiveErrors is deprecated; use consecutiveGatewayErrors or consecutive5xxErrors");
    }
    Boolean split = n.bool("splitExternalLocalOriginErrors");
    Integer localOrigin = n.uint32("consecutiveLocalOriginFailures");
    Integer gateway = n.uint32("consecutiveGatewayErrors");
    Integer fivexx = n.uint32("consecutive5xxErrors");
    java.time.Duration interval = n.duration("interval");
    java.time.Duration base = n.duration("baseEjectionTime");
    Integer maxPercent = n.integer("maxEjectionPercent", 0, 100);
    Integer minHealth = n.integer("minHealthPercent", 0, 100);
    if (localOrigin != null && !Boolean.TRUE.equals(split)) {
      n.get("consecutiveLocalOriginFailures").warn(
          "consecutiveLocalOriginFailures applies only with splitExternalLocalOriginErrors: true");
    }
    return new OutlierDetection(consecutiveErrors, split, localOrigin, gateway, fivexx, interval,
        base, maxPercent, minHealth);
  }

  private static @Nullable ClientTlsSettings tls(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    ClientTlsSettings.TlsMode mode = n.get("mode").asEnum(ClientTlsSettings.TlsMode.class);
    String cert = n.string("clientCertificate");
    String key = n.string("privateKey");
    String ca = n.string("caCertificates");
    String credential = n.string("credentialName");
    List<String> sans = n.stringList("subjectAltNames");
    String sni = n.string("sni");
    Boolean skip = n.bool("insecureSkipVerify");
    n.get("caCrl");
    ClientTlsSettings.TlsMode m = mode == null ? ClientTlsSettings.TlsMode.DISABLE : mode;
    boolean anyFile = cert != null || key != null || ca != null || credential != null;
    if (m == ClientTlsSettings.TlsMode.ISTIO_MUTUAL && (anyFile || sni != null || !sans.isEmpty())) {
      n.error("cannot specify client certificates, CA certificates, credentialName, SNI or "
          + "subjectAltNames with ISTIO_MUTUAL");
    }
    if (m == ClientTlsSettings.TlsMode.MUTUAL && credential == null && (cert == null || key == null)) {
      n.error("client certificate and private key are required for MUTUAL (or a credentialName)");
    }
    if (m == ClientTlsSettings.TlsMode.DISABLE && anyFile) {
      n.warn("certificates are ignored with mode DISABLE");
    }
    return new ClientTlsSettings(m, cert, key, ca, credential, sans, sni, skip);
  }
}
