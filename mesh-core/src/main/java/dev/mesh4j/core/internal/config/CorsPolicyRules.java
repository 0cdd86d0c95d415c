package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Durations;
import dev.mesh4j.core.internal.common.Quoting;
import java.time.Duration;
import java.util.Set;

/**
 * Checks an HTTP route's {@code corsPolicy} as Istio's {@code validateCORSPolicy} does. CORS is
 * enforced by the server's proxy, so a client has nothing to apply: the policy is validated (a
 * config Istio rejects must not load) and otherwise ignored.
 */
final class CorsPolicyRules {
  private CorsPolicyRules() {}

  /** {@code supportedCORSMethods}: Go's method names, case-sensitive, and {@code *}. */
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH",
      "DELETE", "CONNECT", "OPTIONS", "TRACE", "*");

  static void check(Node n) {
    if (!n.expectObject()) {
      return;
    }
    for (Node origin : n.get("allowOrigins").elements()) {
      if (!origin.expectObject()) {
        continue;
      }
      // validateAllowOrigins: the match value must be non-empty, whatever its kind.
      String value = "";
      for (String kind : new String[] {"exact", "prefix", "regex"}) {
        String v = origin.string(kind);
        if (v != null) {
          value = v;
        }
      }
      if (value.isEmpty()) {
        origin.error("'' is not a valid match type for CORS allow origins");
      } else if (origin.string("regex") != null) {
        CommonDecoders.validRegex(origin.get("regex"), value, "corsPolicy.allowOrigins");
      }
    }
    for (Node m : n.get("allowMethods").elements()) {
      String method = m.asString();
      if (method != null && !METHODS.contains(method)) {
        m.error(Quoting.quote(method) + " is not a supported HTTP method");
      }
    }
    for (String field : new String[] {"allowHeaders", "exposeHeaders"}) {
      for (Node h : n.get(field).elements()) {
        String name = h.asString();
        if (name == null) {
          continue;
        }
        // ValidateCORSHTTPHeaderName: a token, or "*".
        if (name.isEmpty()) {
          h.error("header name cannot be empty");
        } else if (!name.equals("*") && !HeaderRules.isToken(name)) {
          h.error("header name " + Quoting.escape(name) + " is not a valid header name");
        }
      }
    }
    Node maxAge = n.get("maxAge");
    Duration d = maxAge.asDuration(false);
    if (d != null && d.getNano() != 0) {
      maxAge.error("max_age duration is accurate only to seconds precision");
    } else if (d == null && !maxAge.isMissing() && maxAge.asString() != null) {
      checkSubMillisecond(maxAge, maxAge.asString());
    }
    n.get("allowOrigin").asStringList(); // deprecated, not validated by Istio
    n.get("allowCredentials").asBoolean();
    n.get("unmatchedPreflights").asString();
  }

  /** A duration rejected for precision also has a sub-second part: say so too. */
  private static void checkSubMillisecond(Node at, String text) {
    try {
      if (Durations.parse(text).getNano() != 0) {
        at.error("max_age duration is accurate only to seconds precision");
      }
    } catch (IllegalArgumentException e) {
      // already reported as an invalid duration
    }
  }
}
