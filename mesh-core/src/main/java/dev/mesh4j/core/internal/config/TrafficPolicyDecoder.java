package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.config.PortTrafficPolicy;
import dev.mesh4j.api.config.TrafficPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a {@code TrafficPolicy} (top level, per subset, per port), checked as Istio's
 * {@code validateTrafficPolicy}, {@code validateOutlierDetection}, {@code validateConnectionPool},
 * {@code agent.ValidateTLS} and {@code validatePortTrafficPolicies}; load balancing is decoded by
 * {@link LoadBalancerDecoder}. Invalid values are kept as written, after their error. Stateless.
 */
final class TrafficPolicyDecoder {
  private TrafficPolicyDecoder() {}

  private static final String[] POLICY_FIELDS = {"outlierDetection", "connectionPool",
      "loadBalancer", "tls", "portLevelSettings", "tunnel", "proxyProtocol", "retryBudget"};

  /** @param namespace the rule's namespace ({@code configmap://} credentials must be in it) */
  static @Nullable TrafficPolicy trafficPolicy(Node n, String namespace) {
    if (!n.expectObject()) {
      return null;
    }
    boolean any = false;
    for (String f : POLICY_FIELDS) {
      any |= f.equals("portLevelSettings") ? !n.get(f).elements().isEmpty() : !n.get(f).isMissing();
    }
    if (!any) {
      n.error("traffic policy must have at least one field");
      return TrafficPolicy.EMPTY;
    }
    Node tunnel = n.get("tunnel");
    Node proxyProtocol = n.get("proxyProtocol");
    if (!tunnel.isMissing() && !proxyProtocol.isMissing()) {
      n.error("tunnel and proxyProtocol must not be set together");
    }
    OutlierDetection outlier = outlierDetection(n.get("outlierDetection"));
    ConnectionPoolSettings pool = connectionPool(n.get("connectionPool"));
    LoadBalancerSettings lb = LoadBalancerDecoder.loadBalancer(n.get("loadBalancer"),
        n.get("outlierDetection"));
    ClientTlsSettings tls = tls(n.get("tls"), namespace);
    List<PortTrafficPolicy> ports = portLevelSettings(n.get("portLevelSettings"), namespace);
    checkTunnel(tunnel);
    if (proxyProtocol.expectObject()) {
      // Version is an enum V1/V2 (0/1): the decoder rejects anything else.
      proxyProtocol.get("version").asEnum(ProxyProtocolVersion.class);
      proxyProtocol.warn("proxyProtocol is not applied by mesh4j (ignored)");
    }
    TrafficPolicy.RetryBudget budget = retryBudget(n.get("retryBudget"));
    return new TrafficPolicy(lb, pool, outlier, tls, ports, budget);
  }

  /**
   * {@code RetryBudget}: Istio's webhook checks nothing, its CRD bounds {@code percent} to
   * 0..100 and {@code minRetryConcurrency} is a {@code uint32}. A {@code budgetInterval} (Envoy's
   * budget over the requests of a past interval) is not applied: a warning says so.
   */
  private static TrafficPolicy.@Nullable RetryBudget retryBudget(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    Node pn = n.get("percent");
    Double percent = pn.asDouble();
    if (percent != null && (percent.isNaN() || percent < 0 || percent > 100)) {
      pn.error("percent must be in range 0..100, got " + CommonDecoders.format(percent));
    }
    Node mn = n.get("minRetryConcurrency");
    Integer min = mn.asInt(0, 0xFFFF_FFFFL);
    Node interval = n.get("budgetInterval");
    Duration d = interval.asDuration(true);
    if (d != null && !d.isZero()) {
      interval.warn("budgetInterval is not applied by mesh4j (ignored): the budget counts the requests in flight");
    }
    return new TrafficPolicy.RetryBudget(percent, min == null || min == 0 ? null : min);
  }

  /** {@code ProxyProtocol.VERSION}. */
  private enum ProxyProtocolVersion { V1, V2 }

  /** {@code validateTunnelSettings}; mesh4j does not tunnel (a warning says so). */
  private static void checkTunnel(Node t) {
    if (!t.expectObject()) {
      return;
    }
    String protocol = t.text("protocol");
    if (!protocol.isEmpty() && !protocol.equals("CONNECT") && !protocol.equals("POST")) {
      t.get("protocol").error("tunnel protocol must be \"CONNECT\" or \"POST\"");
    }
    String host = t.text("targetHost");
    String fqdn = Hosts.validateFqdn(host);
    if (fqdn != null && !Hosts.isIp(host)) {
      t.get("targetHost").error("tunnel target host must be valid FQDN or IP address: " + fqdn
          + "; " + Quoting.escape(host) + " is not a valid IP");
    }
    Node port = t.get("targetPort");
    Long p = port.asUint32();
    String why = Ports.validatePort(p == null ? 0 : p);
    if (why != null) {
      port.error("tunnel target port is invalid: " + why);
    }
    t.warn("tunnel is not applied by mesh4j (ignored)");
  }

  /** {@code validatePortTrafficPolicies}: a port and at least one policy per entry. */
  private static List<PortTrafficPolicy> portLevelSettings(Node n, String namespace) {
    List<PortTrafficPolicy> out = new ArrayList<>();
    for (Node p : n.elements()) {
      if (p.isMissing()) {
        p.error("traffic policy may not be null");
        continue;
      }
      if (!p.expectObject()) {
        continue;
      }
      Node portNode = p.get("port");
      Integer port = null;
      if (portNode.isMissing()) {
        portNode.error("portTrafficPolicy must have valid port");
      } else if (portNode.expectObject()) {
        // Istio checks neither the range nor duplicates here.
        Long number = portNode.get("number").asUint32();
        port = number == null ? 0 : number.intValue();
      }
      if (p.get("outlierDetection").isMissing() && p.get("connectionPool").isMissing()
          && p.get("loadBalancer").isMissing() && p.get("tls").isMissing()) {
        p.error("port traffic policy must have at least one field");
        if (port != null) {
          out.add(new PortTrafficPolicy(port, null, null, null, null));
        }
        continue;
      }
      OutlierDetection outlier = outlierDetection(p.get("outlierDetection"));
      ConnectionPoolSettings pool = connectionPool(p.get("connectionPool"));
      LoadBalancerSettings lb = LoadBalancerDecoder.loadBalancer(p.get("loadBalancer"),
          p.get("outlierDetection"));
      ClientTlsSettings tls = tls(p.get("tls"), namespace);
      if (port != null) {
        out.add(new PortTrafficPolicy(port, lb, pool, outlier, tls));
      }
    }
    return out;
  }

  /** {@code validateConnectionPool}; shared with the Sidecar's inbound pools. */
  static @Nullable ConnectionPoolSettings connectionPool(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    Node t = n.get("tcp");
    Node h = n.get("http");
    if (t.isMissing() && h.isMissing()) {
      n.error("connection pool must have at least one field");
      return new ConnectionPoolSettings(null, null);
    }
    ConnectionPoolSettings.Tcp tcp = null;
    if (t.expectObject()) {
      Integer maxConnections = limit(t.get("maxConnections"), "max connections");
      Duration connectTimeout = t.duration("connectTimeout");
      Node ka = t.get("tcpKeepalive");
      if (ka.expectObject()) {
        ka.get("probes").asUint32();
        ka.duration("time");
        ka.duration("interval");
      }
      Duration maxDuration = t.duration("maxConnectionDuration");
      // An idle timeout of 0s disables it; Istio skips the check when it is 0 in milliseconds.
      Duration idle = t.get("idleTimeout").asDuration(true);
      tcp = new ConnectionPoolSettings.Tcp(maxConnections, connectTimeout, !ka.isMissing(),
          maxDuration, idle);
    }
    ConnectionPoolSettings.Http http = null;
    if (h.expectObject()) {
      Integer pending = limit(h.get("http1MaxPendingRequests"), "http1 max pending requests");
      Integer maxRequests = limit(h.get("http2MaxRequests"), "http2 max requests");
      Integer perConnection = limit(h.get("maxRequestsPerConnection"), "max requests per connection");
      Integer maxRetries = limit(h.get("maxRetries"), "max retries");
      Duration idle = h.duration("idleTimeout");
      Node up = h.get("h2UpgradePolicy");
      H2Upgrade upgrade = up.asEnum(H2Upgrade.class);
      Boolean useClient = h.bool("useClientProtocol");
      if (upgrade == H2Upgrade.UPGRADE && Boolean.TRUE.equals(useClient)) {
        h.error("use client protocol must not be true when H2UpgradePolicy is UPGRADE");
      }
      Integer streams = limit(h.get("maxConcurrentStreams"), "max concurrent streams");
      Node ka = h.get("http2KeepAlive");
      if (ka.expectObject()) {
        for (String f : new String[] {"interval", "timeout"}) {
          if (ka.get(f).isMissing()) {
            ka.get(f).error("http2 keepalive " + f + " is required");
          } else {
            ka.duration(f);
          }
        }
      }
      http = new ConnectionPoolSettings.Http(pending, maxRequests, perConnection, maxRetries, idle,
          upgrade == null ? null : upgrade.name(), useClient, streams);
    }
    return new ConnectionPoolSettings(tcp, http);
  }

  /** {@code ConnectionPoolSettings.HTTPSettings.H2UpgradePolicy}. */
  private enum H2Upgrade { DEFAULT, DO_NOT_UPGRADE, UPGRADE }

  /**
   * A limit ({@code int32}, {@code >= 0}); 0 is Istio's "not set" (it only programs Envoy for
   * values {@code > 0}), so it is read as absent. A negative one is kept, after its error.
   */
  private static @Nullable Integer limit(Node n, String what) {
    Integer v = n.asInt32();
    if (v != null && v < 0) {
      n.error(what + " must be non-negative (" + v + ")");
    }
    return v == null || v == 0 ? null : v;
  }

  /** {@code validateOutlierDetection}. */
  private static @Nullable OutlierDetection outlierDetection(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    Duration base = n.duration("baseEjectionTime");
    Node ce = n.get("consecutiveErrors");
    Integer consecutiveErrors = ce.asInt32();
    if (consecutiveErrors != null && consecutiveErrors != 0) {
      ce.warn("outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors "
          + "or consecutive5xxErrors instead");
    }
    Boolean split = n.bool("splitExternalLocalOriginErrors");
    Node lo = n.get("consecutiveLocalOriginFailures");
    Long localOrigin = lo.asUint32();
    if (localOrigin != null && localOrigin > 0 && !Boolean.TRUE.equals(split)) {
      lo.error("outlier detection consecutive local origin failures is specified, but split "
          + "external local origin errors is set to false");
    }
    Duration interval = n.duration("interval");
    Integer maxPercent = CommonDecoders.intPercent(n.get("maxEjectionPercent"));
    Integer minHealth = CommonDecoders.intPercent(n.get("minHealthPercent"));
    Long gateway = n.get("consecutiveGatewayErrors").asUint32();
    Long fivexx = n.get("consecutive5xxErrors").asUint32();
    return new OutlierDetection(consecutiveErrors, split, toInt(localOrigin), toInt(gateway),
        toInt(fivexx), interval, base, maxPercent, minHealth);
  }

  private static @Nullable Integer toInt(@Nullable Long v) {
    return v == null ? null : (int) Math.min(Integer.MAX_VALUE, v);
  }

  /** {@code agent.ValidateTLS} (client TLS). */
  private static @Nullable ClientTlsSettings tls(Node n, String namespace) {
    if (!n.expectObject()) {
      return null;
    }
    ClientTlsSettings.TlsMode mode = n.get("mode").asEnum(ClientTlsSettings.TlsMode.class);
    ClientTlsSettings.TlsMode m = mode == null ? ClientTlsSettings.TlsMode.DISABLE : mode;
    String cert = n.text("clientCertificate");
    String key = n.text("privateKey");
    String ca = n.text("caCertificates");
    String credential = n.text("credentialName");
    String crl = n.text("caCrl");
    List<String> sans = n.stringList("subjectAltNames");
    String sni = n.text("sni");
    Boolean skip = n.bool("insecureSkipVerify");
    boolean simple = m == ClientTlsSettings.TlsMode.SIMPLE;
    boolean mutual = m == ClientTlsSettings.TlsMode.MUTUAL;
    if (credential.startsWith("configmap://")) {
      checkConfigMapCredential(n.get("credentialName"), credential, namespace);
    }
    if (Boolean.TRUE.equals(skip)) {
      if (simple && (!ca.isEmpty() || !credential.isEmpty() || !sans.isEmpty())) {
        n.error("cannot specify CaCertificates or CredentialName or SubjectAltNames when "
            + "InsecureSkipVerify is set true");
      }
      if (mutual && (!ca.isEmpty() || !sans.isEmpty())) {
        n.error("cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true");
      }
    }
    if ((simple || mutual) && !credential.isEmpty()) {
      if (!cert.isEmpty() || !ca.isEmpty() || !key.isEmpty() || !crl.isEmpty()) {
        n.error("cannot specify client certificates or CA certificate or CA CRL If credentialName is set");
      }
    } else if (mutual) {
      if (cert.isEmpty()) {
        n.get("clientCertificate").error("client certificate required for mutual tls");
      }
      if (key.isEmpty()) {
        n.get("privateKey").error("private key required for mutual tls");
      }
    }
    boolean anyFile = !cert.isEmpty() || !key.isEmpty() || !ca.isEmpty() || !credential.isEmpty();
    if (m == ClientTlsSettings.TlsMode.DISABLE && anyFile) {
      n.warn("certificates are ignored with mode DISABLE");
    }
    if (m == ClientTlsSettings.TlsMode.ISTIO_MUTUAL && anyFile) {
      n.warn("ISTIO_MUTUAL uses the workload identity; certificates and credentialName given "
          + "here are ignored");
    }
    return new ClientTlsSettings(m, blankToNull(cert), blankToNull(key), blankToNull(ca),
        blankToNull(credential), sans, blankToNull(sni), skip);
  }

  /** A {@code configmap://namespace/name} credential must be in the rule's own namespace. */
  private static void checkConfigMapCredential(Node at, String credential, String namespace) {
    String[] parts = credential.substring("configmap://".length()).split("/", -1);
    if (parts.length <= 1 || parts[0].isEmpty() || parts[1].isEmpty()) {
      at.error("invalid configmap:// credentialName: invalid resource name " + Quoting.quote(credential)
          + ". Expected namespace and name");
    } else if (!parts[0].equals(namespace)) {
      at.error("invalid configmap:// credentialName: namespace must match the configuration "
          + "namespace " + Quoting.quote(namespace));
    }
  }

  private static @Nullable String blankToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
