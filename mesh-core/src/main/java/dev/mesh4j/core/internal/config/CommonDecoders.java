package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Quoting;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.StringMatch;
import dev.mesh4j.core.internal.common.RegexLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/**
 * Decoders for the parts several kinds share: string matches, destinations, percentages, labels,
 * selectors, {@code exportTo} and gateway names, each checked as Istio's validation function of
 * the same name does ({@code pkg/config/validation}). Stateless.
 */
final class CommonDecoders {
  private CommonDecoders() {}

  /** Kubernetes label keys: an optional DNS-subdomain prefix and '/', then a qualified name. */
  private static final java.util.regex.Pattern TAG_KEY = java.util.regex.Pattern.compile(
      "((?:[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*/)?"
          + "((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])");
  /** Label values: empty, or a qualified name. */
  private static final java.util.regex.Pattern TAG_VALUE =
      java.util.regex.Pattern.compile("((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  /**
   * A StringMatch ({@code exact}, {@code prefix} or {@code regex}), checked as Istio's
   * {@code validateStringMatch(sm, where)}: an empty prefix is an error unless
   * {@code emptyPrefixAllowed} (only {@code uri}, {@code validateStringMatchRegexp}), an empty or
   * invalid regex always is. An empty StringMatch {@code {}} is returned as
   * {@link StringMatch#present()}; an invalid one as written (of several kinds, the first of
   * exact, prefix and regex); null means absent or not a map.
   */
  static @Nullable StringMatch stringMatch(Node n, String where, boolean emptyPrefixAllowed) {
    if (!n.expectObject()) {
      return null;
    }
    String exact = n.string("exact");
    String prefix = n.string("prefix");
    String regex = n.string("regex");
    int kinds = (exact != null ? 1 : 0) + (prefix != null ? 1 : 0) + (regex != null ? 1 : 0);
    if (kinds > 1) {
      n.error("only one of exact, prefix and regex may be set");
    } else if (prefix != null && prefix.isEmpty() && !emptyPrefixAllowed) {
      n.get("prefix").error(Quoting.quote(where) + ": prefix string match should not be empty");
    } else if (regex != null) {
      validRegex(n.get("regex"), regex, where);
    }
    if (exact != null) {
      return StringMatch.exact(exact);
    }
    if (prefix != null) {
      return StringMatch.prefix(prefix);
    }
    return regex != null ? StringMatch.regex(regex) : StringMatch.present();
  }

  /**
   * {@code validateStringMatchRegexp}/{@code validateStringRegexp}: non-empty, at most 1024
   * characters, within Go's and Envoy's limits on repetition and program size
   * ({@link RegexLimits}, checked before anything is compiled), and compilable by RE2 (mesh4j
   * matches with RE2/J, as Envoy with RE2).
   */
  static boolean validRegex(Node at, String regex, String where) {
    if (regex.isEmpty()) {
      at.error(Quoting.quote(where) + ": regex string match should not be empty");
      return false;
    }
    String limit = RegexLimits.problem(regex);
    if (limit != null) {
      at.error(Quoting.quote(where) + ": " + limit
          + (limit.startsWith("error parsing") ? "; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)" : ""));
      return false;
    }
    try {
      Pattern.compile(regex);
      return true;
    } catch (PatternSyntaxException e) {
      at.error(Quoting.quote(where) + ": " + e.getMessage()
          + "; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)");
      return false;
    }
  }

  /** A value as written, and whether it passed its checks. */
  record Checked<T>(@Nullable T value, boolean valid) {}

  /**
   * A {@code Destination}, checked as Istio's {@code validateDestination}: the host a valid
   * name or wildcard but not {@code *}, the subset a DNS-1123 label, the port 1..65535. Returned
   * as written, also when invalid; null when absent or not a map.
   *
   * @param required whether an absent destination is an error ("destination is required")
   */
  static @Nullable Destination destination(Node n, boolean required) {
    return checkedDestination(n, required).value();
  }

  /** {@link #destination}, and whether it is valid (an absent one is not). */
  static Checked<Destination> checkedDestination(Node n, boolean required) {
    if (n.isMissing()) {
      if (required) {
        n.error("destination is required");
      }
      return new Checked<>(null, false);
    }
    if (!n.expectObject()) {
      return new Checked<>(null, false);
    }
    boolean valid = true;
    String host = n.text("host");
    if (host.equals("*")) {
      n.get("host").error("invalid destination host *");
      valid = false;
    } else {
      String why = Hosts.validateWildcardDomain(host);
      if (why != null && !n.get("host").isUnreadable()) {
        n.get("host").error(why);
      }
      valid &= why == null;
    }
    String subset = n.text("subset");
    if (!subset.isEmpty() && !Hosts.isDns1123Label(subset)) {
      n.get("subset").error("subset name is invalid: " + Quoting.escape(subset));
      valid = false;
    }
    Integer port = null;
    Node portNode = n.get("port");
    if (portNode.expectObject()) {
      // validatePortSelector: an absent number is 0, which is out of range.
      Node number = portNode.get("number");
      Long v = number.isMissing() ? Long.valueOf(0) : number.asUint32();
      String why = v == null ? null : Ports.validatePort(v);
      if (why != null) {
        number.error(why);
      }
      port = v == null ? null : Ports.toInt(v);
      valid &= v != null && why == null;
    }
    return new Checked<>(new Destination(host, subset.isEmpty() ? null : subset, port), valid);
  }

  /**
   * A {@code Percent} ({@code {value: 12.5}}), checked as Istio's {@code validatePercentage}:
   * 0, or 0.0001..100. Absent value means 0; an invalid one is returned as written.
   */
  static @Nullable Double percentage(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    Node v = n.get("value");
    Double d = v.asDouble();
    if (d == null) {
      return v.isMissing() ? 0.0 : null;
    }
    if (d.isNaN() || d < 0 || d > 100 || (d > 0 && d < 0.0001)) {
      v.error("percentage " + format(d) + " is neither 0.0, nor in range [0.0001, 100.0]");
    }
    return d;
  }

  /** An integer percentage ({@code ValidatePercent}): 0..100 (returned as written if not). */
  static @Nullable Integer intPercent(Node n) {
    Integer v = n.asInt32();
    if (v != null && (v < 0 || v > 100)) {
      n.error("percentage " + v + " is not in range 0..100");
    }
    return v;
  }

  /** A double as Go's {@code %v} prints it: {@code 101}, {@code -10}, {@code 0.00001}. */
  static String format(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d)
        ? Long.toString((long) d) : java.math.BigDecimal.valueOf(d).toPlainString();
  }

  /**
   * Label maps (subset labels, endpoint labels, sourceLabels), checked as Istio's
   * {@code labels.Instance.Validate}: keys are Kubernetes label keys, values empty or
   * qualified names. Invalid entries are kept, after their error.
   */
  static Map<String, String> labels(Node n) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : n.entries().entrySet()) {
      String key = e.getKey();
      String value = e.getValue().asString();
      if (value == null) {
        if (e.getValue().isMissing()) {
          e.getValue().error("expected a string, got null");
        }
        continue;
      }
      String why = tagKeyProblem(key);
      if (why != null) {
        e.getValue().error(why);
      } else if (!TAG_VALUE.matcher(value).matches()) {
        e.getValue().error("invalid tag value: " + Quoting.quote(value));
      }
      out.put(key, value);
    }
    return out;
  }

  private static @Nullable String tagKeyProblem(String key) {
    Matcher m = TAG_KEY.matcher(key);
    if (!m.matches()) {
      return "invalid tag key: " + Quoting.quote(key);
    }
    if (m.group(1) != null && m.group(1).length() - 1 > 253) {
      return "invalid tag key: " + Quoting.quote(key) + " (DNS prefix is too long)";
    }
    if (m.group(2).length() > 63) {
      return "invalid tag key: " + Quoting.quote(key) + " (name is too long)";
    }
    return null;
  }

  /** Whether a label key is a valid Kubernetes label key. */
  static boolean validLabelKey(String key) {
    return tagKeyProblem(key) == null;
  }

  /**
   * A workload selector's labels ({@code validateWorkloadSelector},
   * {@code ValidateAlphaWorkloadSelector}): keys non-empty, no {@code *} in keys or values. An
   * empty selector is a warning: it selects every workload of the namespace. Invalid entries are
   * kept, after their error.
   *
   * @param kindPrefix Istio's prefix of that warning ("sidecar: ", "service entry: " or "")
   */
  static Map<String, String> selectorLabels(Node selector, Node labels, String kindPrefix) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : labels.entries().entrySet()) {
      String k = e.getKey();
      String v = e.getValue().asString();
      if (v == null) {
        continue;
      }
      if (k.isEmpty()) {
        e.getValue().error("empty key is not supported in selector: " + Quoting.quote("=" + v));
      } else if (k.contains("*") || v.contains("*")) {
        e.getValue().error("wildcard is not supported in selector: " + Quoting.quote(k + "=" + v));
      }
      out.put(k, v);
    }
    if (labels.entries().isEmpty()) {
      selector.warn(kindPrefix + "workload selector specified without labels"
          + (kindPrefix.isEmpty() ? "" : ", will be applied to all services in namespace"));
    }
    return out;
  }

  /**
   * {@code exportTo}, checked as Istio's {@code validateExportTo}: each entry {@code "."},
   * {@code "*"} or a namespace ({@code "~"}, "no one", only for a ServiceEntry), no duplicates
   * ({@code "."} counts as the config's own namespace), {@code "*"} and {@code "~"} alone.
   *
   * Invalid entries are kept, after their error.
   *
   * @param drWithSelector a DestinationRule with a workloadSelector may only export to its own
   *     namespace
   */
  static List<String> exportTo(Node n, String namespace, boolean serviceEntry, boolean drWithSelector) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<Node> entries = n.elements();
    for (Node e : entries) {
      String s = e.asString();
      if (s == null) {
        continue;
      }
      String key = s.equals(".") ? namespace : s;
      out.add(s);
      if (seen.contains(key)) {
        e.error(key.equals(s) ? "duplicate entries in exportTo for entry " + Quoting.escape(s)
            : "duplicate entries in exportTo: . and current namespace " + namespace);
        continue;
      }
      if (s.equals("~") && !serviceEntry) {
        e.error("exportTo ~ (none) is not allowed for Istio configuration objects");
        continue;
      }
      if (!s.equals(".") && !s.equals("*") && !s.equals("~") && !Hosts.isDns1123Label(s)) {
        e.error("only .,*, or a valid DNS 1123 label is allowed as exportTo entry");
        continue;
      }
      seen.add(key);
    }
    if (drWithSelector && !seen.isEmpty()) {
      if (!seen.contains(namespace)) {
        n.error("destination rule with workload selector cannot have exportTo beyond current namespace");
      } else if (seen.size() > 1) {
        n.error("destination rule with workload selector cannot have multiple entries in exportTo");
      }
    }
    if (seen.contains("*") && entries.size() > 1) {
      n.error("cannot have both public (*) and non-public exportTo values for a resource");
    }
    if (seen.contains("~") && entries.size() > 1) {
      n.error("cannot export service entry to no one (~) and someone");
    }
    return out;
  }

  /**
   * Gateway names ({@code spec.gateways}, {@code match.gateways}), checked as Istio's
   * {@code validateGatewayNames}: {@code namespace/name} with both DNS-1123 labels, or a name
   * that is a valid FQDN ({@code mesh}, {@code my-gateway}); the legacy {@code gw.ns} form is a
   * warning.
   */
  static List<String> gatewayNames(Node list) {
    List<String> names = list.asStringList();
    List<Node> nodes = list.elements();
    for (int i = 0; i < names.size() && i < nodes.size(); i++) {
      String gw = names.get(i);
      Node at = nodes.get(i);
      int slash = gw.indexOf('/');
      if (slash < 0) {
        if (gw.contains(".")) {
          String[] parts = gw.split("\\.", -1);
          at.warn("using legacy gatewayName format " + Quoting.quote(gw) + "; prefer the <namespace>/<name> "
              + "format: " + Quoting.quote(parts[1] + "/" + parts[0]));
        }
        String why = Hosts.validateFqdn(gw);
        if (why != null) {
          at.error(why);
        }
        // Istio returns after the first name without a '/', so later names go unchecked;
        // mesh4j accepts what Istio accepts.
        return names;
      }
      String ns = gw.substring(0, slash);
      String name = gw.substring(slash + 1);
      if (ns.isEmpty() || name.isEmpty()) {
        at.error("config namespace and gateway name cannot be empty");
      }
      if (!Hosts.isDns1123Label(ns)) {
        at.error("invalid value for namespace: " + Quoting.quote(ns));
      }
      if (!Hosts.isDns1123Label(name)) {
        at.error("invalid value for gateway name: " + Quoting.quote(name));
      }
    }
    return names;
  }
}
