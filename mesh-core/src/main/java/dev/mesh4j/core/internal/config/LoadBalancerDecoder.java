package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LocalityLbSetting;
import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decodes {@code LoadBalancerSettings}, checked as Istio's {@code validateLoadBalancer};
 * locality settings are checked by {@link LocalityRules}. Invalid values are kept as written,
 * after their error. Stateless.
 */
final class LoadBalancerDecoder {
  private LoadBalancerDecoder() {}

  /** Maglev table sizes must be below this prime (Envoy's limit). */
  static final long MAX_MAGLEV_TABLE_SIZE = 5_000_011;

  /**
   * The largest {@code minimumRingSize}: Envoy's default {@code maximum_ring_size} (8M entries),
   * which Istio never sets. Envoy rejects a cluster whose minimum is larger; Istio does not check
   * it, so mesh4j refuses it at load rather than when the ring is built.
   */
  static final long MAX_RING_SIZE = 8L * 1024 * 1024;

  /** @param outlierDetection the same policy's {@code outlierDetection} (failover needs it) */
  static @Nullable LoadBalancerSettings loadBalancer(Node n, Node outlierDetection) {
    if (!n.expectObject()) {
      return null;
    }
    SimpleLb simple = n.get("simple").asEnum(SimpleLb.class);
    ConsistentHashLb hash = consistentHash(n.get("consistentHash"));
    if (!n.get("simple").isMissing() && !n.get("consistentHash").isMissing()) {
      n.error("only one of simple and consistentHash may be set");
    }
    Node locality = n.get("localityLbSetting");
    Node zoneAware = n.get("zoneAwareLbSetting");
    if (!locality.isMissing() && !zoneAware.isMissing()) {
      n.error("only one of localityLbSetting and zoneAwareLbSetting can be set");
    }
    LocalityLbSetting localitySetting = LocalityRules.checkLocality(locality, outlierDetection);
    // Zone-aware routing needs Envoy's local cluster, which a client has no equivalent of:
    // validated and accepted, not applied (documented).
    LocalityRules.checkZoneAware(zoneAware, outlierDetection);
    LoadBalancerSettings.Warmup warmup = warmup(n);
    return new LoadBalancerSettings(simple, hash, localitySetting, warmup);
  }

  /**
   * {@code warmup {duration, minimumPercent, aggression}} (required duration, percent at most
   * 100, aggression above 0), or the deprecated {@code warmupDurationSecs}.
   */
  private static LoadBalancerSettings.@Nullable Warmup warmup(Node n) {
    Node w = n.get("warmup");
    Node legacy = n.get("warmupDurationSecs");
    if (!w.isMissing() && !legacy.isMissing()) {
      n.error("only one of warmup and warmupDurationSecs may be set");
    }
    if (w.expectObject()) {
      Node dn = w.get("duration");
      Duration d = dn.asDuration(false);
      if (dn.isMissing()) {
        dn.error("duration is required");
      }
      Node mp = w.get("minimumPercent");
      Double min = mp.asDouble();
      if (min != null && min > 100) {
        mp.error("minimumPercent value should be less than or equal to 100 (" + CommonDecoders.format(min) + ")");
      } else if (min != null && min < 0) {
        // The CRD's schema has minimum: 0.
        mp.error("minimumPercent value should be greater than or equal to 0 (" + CommonDecoders.format(min) + ")");
      }
      Node ag = w.get("aggression");
      Double aggression = ag.asDouble();
      if (aggression != null && aggression <= 0) {
        ag.error("aggression should be greater than 0 (" + CommonDecoders.format(aggression) + ")");
      }
      return d == null ? null : new LoadBalancerSettings.Warmup(d, min, aggression);
    }
    if (!legacy.isMissing()) {
      // Not checked by Istio's webhook; its CRD requires a duration of at least 1ms.
      Duration d = legacy.asDuration(false);
      return d == null ? null : new LoadBalancerSettings.Warmup(d, null, null);
    }
    return null;
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
    if (keys > 1) {
      n.error("only one of httpHeaderName, httpCookie, useSourceIp and httpQueryParameterName "
          + "may be set (found " + keys + ")");
    } else if (keys == 0 || Boolean.FALSE.equals(sourceIp)) {
      // Istio accepts a consistentHash without a key (its CRD allows none); nothing is hashed.
      n.warn("consistentHash has no hash key: requests are not hashed (random pick)");
    }
    Node rh = n.get("ringHash");
    Node mg = n.get("maglev");
    Node legacyRing = n.get("minimumRingSize");
    if (!rh.isMissing() && !mg.isMissing()) {
      n.error("only one of ringHash and maglev may be set");
    }
    Long legacy = legacyRing.asLong(0, Long.MAX_VALUE);
    checkRingSize(legacyRing, legacy);
    if (legacy != null && legacy != 0) {
      legacyRing.warn("consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's "
          + "RingHash configuration instead");
      if (!rh.isMissing() || !mg.isMissing()) {
        n.error("only one of MinimumRingSize or Maglev/Ringhash can be specified");
      }
    }
    Long ring = null;
    if (rh.expectObject()) {
      // ringHash.minimumRingSize is not checked by Istio; 0 means Envoy's default.
      Node minimum = rh.get("minimumRingSize");
      ring = minimum.asLong(0, Long.MAX_VALUE);
      checkRingSize(minimum, ring);
      if (ring == null || ring == 0) {
        ring = ConsistentHashLb.DEFAULT_MINIMUM_RING_SIZE;
      }
    } else if (legacy != null && legacy != 0) {
      ring = legacy;
    }
    Long table = null;
    if (mg.expectObject()) {
      Node ts = mg.get("tableSize");
      Long size = ts.asLong(0, Long.MAX_VALUE);
      long t = size == null ? 0 : size;
      if (t == 0) {
        ts.error("tableSize must be set for maglev");
      }
      if (t >= MAX_MAGLEV_TABLE_SIZE) {
        ts.error("tableSize must be less than " + MAX_MAGLEV_TABLE_SIZE + " for maglev (" + t + ")");
      }
      if (!isPrime(t)) {
        ts.error("tableSize must be a prime number for maglev (" + t + ")");
      }
      table = t;
    }
    return new ConsistentHashLb(header, cookie, Boolean.TRUE.equals(sourceIp), query, ring, table,
        !mg.isMissing());
  }

  /** Envoy's check of a ring hash's minimum against its maximum ({@code ring_hash_lb.cc}). */
  private static void checkRingSize(Node n, @Nullable Long minimum) {
    if (minimum != null && minimum > MAX_RING_SIZE) {
      n.error("ring hash: minimum_ring_size (" + minimum + ") > maximum_ring_size (" + MAX_RING_SIZE + ")");
    }
  }

  /** {@code httpCookie}: a name, and attributes with unique non-empty names. */
  private static ConsistentHashLb.@Nullable HttpCookie cookie(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    String name = n.text("name");
    if (name.isEmpty()) {
      n.get("name").error("name required for HttpCookie");
    }
    String path = n.string("path");
    Duration ttl = n.get("ttl").asDuration(true);
    // Name, path and attributes are written into the Set-Cookie header of a generated cookie.
    HeaderRules.checkSendable(n.get("name"), "cookie name", name, false);
    if (path != null) {
      HeaderRules.checkSendable(n.get("path"), "cookie path", path, false);
    }
    List<ConsistentHashLb.Attribute> attributes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Node a : n.get("attributes").elements()) {
      if (!a.expectObject()) {
        continue;
      }
      String an = a.text("name");
      String av = a.string("value");
      if (an.isEmpty()) {
        a.get("name").error("cookie attribute name cannot be empty");
      } else if (!seen.add(an)) {
        a.get("name").error("duplicate cookie attribute name: " + Quoting.escape(an));
      } else if (HeaderRules.checkSendable(a.get("name"), "cookie attribute name", an, false)
          && av != null) {
        HeaderRules.checkSendable(a.get("value"), "cookie attribute value", av, true);
      }
      attributes.add(new ConsistentHashLb.Attribute(an, av));
    }
    return new ConsistentHashLb.HttpCookie(name, path, ttl, attributes);
  }

  /** Envoy's primality test (Istio copies it): 1, 2 and 3 count as prime, 0 does not. */
  static boolean isPrime(long x) {
    if (x != 0 && x < 4) {
      return true;
    }
    if ((x & 1) == 0) {
      return false;
    }
    long limit = (long) Math.sqrt((double) x);
    for (long f = 3; f <= limit; f += 2) {
      if (x % f == 0) {
        return false;
      }
    }
    return true;
  }
}
