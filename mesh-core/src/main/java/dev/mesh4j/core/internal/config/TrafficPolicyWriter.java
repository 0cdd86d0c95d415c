package dev.mesh4j.core.internal.config;

import static dev.mesh4j.core.internal.config.ManifestWriter.putBoolean;
import static dev.mesh4j.core.internal.config.ManifestWriter.putDouble;
import static dev.mesh4j.core.internal.config.ManifestWriter.putDuration;
import static dev.mesh4j.core.internal.config.ManifestWriter.putInt;
import static dev.mesh4j.core.internal.config.ManifestWriter.putMap;
import static dev.mesh4j.core.internal.config.ManifestWriter.putString;
import static dev.mesh4j.core.internal.config.ManifestWriter.putStrings;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LocalityLbSetting;
import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.config.PortTrafficPolicy;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Writes traffic policies (top level, per subset, per port) and subsets for
 * {@link ManifestWriter}, in the form {@link TrafficPolicyDecoder} and {@link LoadBalancerDecoder}
 * read. Stateless.
 */
final class TrafficPolicyWriter {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private TrafficPolicyWriter() {}

  static ObjectNode subset(Subset s) {
    ObjectNode out = JSON.objectNode();
    out.put("name", s.name());
    putMap(out, "labels", s.labels());
    if (s.trafficPolicy() != null) {
      out.set("trafficPolicy", trafficPolicy(s.trafficPolicy()));
    }
    return out;
  }

  static ObjectNode trafficPolicy(TrafficPolicy p) {
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
    if (p.retryBudget() != null) {
      ObjectNode budget = out.putObject("retryBudget");
      putDouble(budget, "percent", p.retryBudget().percent());
      putInt(budget, "minRetryConcurrency", p.retryBudget().minRetryConcurrency());
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
    LocalityLbSetting locality = lb.localityLbSetting();
    if (locality != null) {
      ObjectNode l = out.putObject("localityLbSetting");
      if (locality.enabled() != null) {
        l.put("enabled", locality.enabled());
      }
      if (!locality.distribute().isEmpty()) {
        ArrayNode distribute = l.putArray("distribute");
        for (LocalityLbSetting.Distribute d : locality.distribute()) {
          ObjectNode o = distribute.addObject().put("from", d.from());
          ObjectNode to = o.putObject("to");
          d.to().forEach(to::put);
        }
      }
      if (!locality.failover().isEmpty()) {
        ArrayNode failover = l.putArray("failover");
        for (LocalityLbSetting.Failover f : locality.failover()) {
          failover.addObject().put("from", f.from()).put("to", f.to());
        }
      }
      if (!locality.failoverPriority().isEmpty()) {
        ArrayNode priority = l.putArray("failoverPriority");
        locality.failoverPriority().forEach(priority::add);
      }
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
}
