package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Decodes {@code LoadBalancerSettings}. */
final class LoadBalancerDecoder {
  private LoadBalancerDecoder() {}

  static @Nullable LoadBalancerSettings loadBalancer(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    SimpleLb simple = n.get("simple").asEnum(SimpleLb.class);
    ConsistentHashLb hash = consistentHash(n.get("consistentHash"));
    if (!n.get("simple").isMissing() && !n.get("consistentHash").isMissing()) {
      n.error("only one of simple and consistentHash may be set");
    }
    boolean locality = !n.get("localityLbSetting").isMissing();
    if (locality) {
      n.get("localityLbSetting").markAllRead();
    }
    LoadBalancerSettings.Warmup warmup = null;
    Node w = n.get("warmup");
    Node legacy = n.get("warmupDurationSecs");
    if (!w.isMissing() && !legacy.isMissing()) {
      n.error("only one of warmup and warmupDurationSecs may be set");
    }
    if (w.expectObject()) {
      Duration d = w.duration("duration");
      if (d == null && w.get("duration").isMissing()) {
        w.get("duration").error("required field is missing");
      }
      Node mp = w.get("minimumPercent");
      Double min = mp.isMissing() ? null : CommonDecoders.percent(mp);
      Node ag = w.get("aggression");
      Double aggression = null;
      if (ag.expectObject()) {
        aggression = ag.get("value").asDouble();
        if (aggression != null && aggression < 1) {
          ag.get("value").error("aggression must be at least 1 (" + aggression + ")");
          aggression = null;
        }
      }
      if (d != null) {
        warmup = new LoadBalancerSettings.Warmup(d, min, aggression);
      }
    } else if (!legacy.isMissing()) {
      Duration d = legacy.asDuration(false);
      if (d != null) {
        warmup = new LoadBalancerSettings.Warmup(d, null, null);
      }
    }
    return new LoadBalancerSettings(simple, hash, locality, warmup);
  }

  private static @Nullable ConsistentHashLb consistentHash(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    String header = n.string("httpHeaderName");
    ConsistentHashLb.HttpCookie cookie = cookie(n.get("httpCookie"));
    Boolean sourceIp = n.bool("useSourceIp");
    String query = n.string("httpQueryParameterName");
    int keys = (n.get("httpHeaderName").isMissing() ? 0 : 1)
        + (n.get("httpCookie").isMissing() ? 0 : 1)
        + (n.get("useSourceIp").isMissing() ? 0 : 1)
        + (n.get("httpQueryParameterName").isMissing() ? 0 : 1);
    if (keys != 1) {
      n.error("consistentHash must have exactly one of httpHeaderName, httpCookie, useSourceIp, "
          + "httpQueryParameterName (found " + keys + ")");
    }
    if (header != null && header.isEmpty()) {
      n.get("httpHeaderName").error("header name must not be empty");
    }
    if (query != null && query.isEmpty()) {
      n.get("httpQueryParameterName").error("query parameter name must not be empty");
    }
    if (Boolean.FALSE.equals(sourceIp) && keys == 1) {
      n.get("useSourceIp").warn("useSourceIp: false selects no hash key; requests are not hashed");
    }
    Long ring = null;
    Long table = null;
    boolean maglev = false;
    Node rh = n.get("ringHash");
    Node mg = n.get("maglev");
    Node legacyRing = n.get("minimumRingSize");
    if (!rh.isMissing() && !mg.isMissing()) {
      n.error("only one of ringHash and maglev may be set");
    }
    if (!legacyRing.isMissing() && (!rh.isMissing() || !mg.isMissing())) {
      n.error("minimumRingSize is deprecated; it cannot be combined with ringHash or maglev");
    }
    if (rh.expectObject()) {
      ring = rh.get("minimumRingSize").asLong(0, 8_388_608);
      if (ring == null || ring == 0) {
        ring = ConsistentHashLb.DEFAULT_MINIMUM_RING_SIZE;
      }
    } else if (!legacyRing.isMissing()) {
      ring = legacyRing.asLong(0, 8_388_608);
      if (ring == null || ring == 0) {
        ring = ConsistentHashLb.DEFAULT_MINIMUM_RING_SIZE;
      }
    }
    if (mg.expectObject()) {
      maglev = true;
      Node ts = mg.get("tableSize");
      table = ts.asLong(0, 5_000_011);
      if (table != null && table != 0 && !isPrime(table)) {
        ts.error("maglev table size must be a prime number (" + table + ")");
      }
      if (table == null || table == 0) {
        table = ConsistentHashLb.DEFAULT_MAGLEV_TABLE_SIZE;
      }
    }
    return new ConsistentHashLb(header, cookie, Boolean.TRUE.equals(sourceIp), query, ring, table,
        maglev);
  }

  private static ConsistentHashLb.@Nullable HttpCookie cookie(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    String name = n.requiredString("name");
    String path = n.string("path");
    Duration ttl = n.get("ttl").asDuration(true);
    List<ConsistentHashLb.Attribute> attributes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Node a : n.get("attributes").elements()) {
      if (!a.expectObject()) {
        continue;
      }
      String an = a.requiredString("name");
      String av = a.string("value");
      if (!an.isEmpty() && !seen.add(an)) {
        a.get("name").error("duplicate cookie attribute \"" + an + "\"");
      }
      if (!an.isEmpty()) {
        attributes.add(new ConsistentHashLb.Attribute(an, av));
      }
    }
    return name.isEmpty() ? null : new ConsistentHashLb.HttpCookie(name, path, ttl, attributes);
  }

  static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    for (long i = 2; i * i <= n; i++) {
      if (n % i == 0) {
        return false;
      }
    }
    return true;
  }
}
