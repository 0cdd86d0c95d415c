package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Quoting;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.StringMatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio's unreachable-rule analysis ({@code analyzeUnreachableHTTPRules},
 * {@code analyzeUnreachableTCPRules}, {@code analyzeUnreachableTLSRules}): warnings, never
 * errors, about rules and matches that can never be chosen because an earlier one always wins
 * (a rule after a rule without matches, a match repeated from an earlier rule, a prefix match
 * covered by an earlier, shorter prefix with the same other conditions).
 */
final class UnreachableRules {
  private UnreachableRules() {}

  /**
   * @param nodes the {@code http} entries, in order
   * @param routes the decoded routes; they line up with {@code nodes} when the VirtualService
   *     has no errors (otherwise the analysis is skipped: the load fails anyway)
   */
  static void analyzeHttp(List<Node> nodes, List<HttpRoute> routes) {
    if (nodes.size() != routes.size()) {
      return;
    }
    Map<HttpMatchRequest, Integer> seen = new HashMap<>();
    List<PrefixMatch> prefixes = new ArrayList<>();
    int catchAll = -1;
    for (int ri = 0; ri < routes.size(); ri++) {
      HttpRoute route = routes.get(ri);
      Node node = nodes.get(ri);
      String rule = ruleName(route.name(), ri);
      if (route.match().isEmpty()) {
        if (catchAll >= 0) {
          warnUnused(node, rule, "only the last rule can have no matches");
        }
        catchAll = ri;
        continue;
      }
      if (catchAll >= 0) {
        warnUnused(node, rule, "route without matches defined before");
        continue;
      }
      List<Node> matchNodes = node.get("match").elements();
      int duplicates = 0;
      for (int mi = 0; mi < route.match().size() && mi < matchNodes.size(); mi++) {
        HttpMatchRequest m = route.match().get(mi);
        HttpMatchRequest key = withoutName(m);
        String match = ruleName(m.name(), mi);
        Integer earlier = seen.get(key);
        if (earlier != null) {
          matchNodes.get(mi).warn("virtualService rule " + rule + " match " + match + " is not used "
              + "(duplicate/overlapping match in rule " + ruleName(routes.get(earlier).name(), earlier) + ")");
          duplicates++;
          continue;
        }
        seen.put(key, ri);
        if (m.uri() != null && m.uri().kind() == StringMatch.Kind.PREFIX && !m.uri().value().isEmpty()) {
          prefixes.add(new PrefixMatch(rule, match, matchNodes.get(mi), m));
        }
      }
      if (duplicates == route.match().size()) {
        warnUnused(node, rule, "all matches used by prior rules");
      }
    }
    for (int a = 0; a < prefixes.size(); a++) {
      for (int b = a + 1; b < prefixes.size(); b++) {
        PrefixMatch earlier = prefixes.get(a);
        PrefixMatch later = prefixes.get(b);
        if (!earlier.prefix().equals(later.prefix()) && earlier.covers(later)) {
          later.at().warn("virtualService rule " + later.rule() + " match " + later.match()
              + " of prefix " + Quoting.escape(later.prefix()) + " is not used (duplicate/overlapping match in rule "
              + earlier.match() + " of prefix " + Quoting.escape(earlier.prefix()) + " on " + earlier.rule() + ")");
        }
      }
    }
  }

  /** The same analysis for TCP or TLS routes, whose matches are compared as written. */
  static void analyzeL4(List<Node> routes) {
    Map<JsonNode, Integer> seen = new HashMap<>();
    int catchAll = -1;
    for (int ri = 0; ri < routes.size(); ri++) {
      Node route = routes.get(ri);
      if (!route.isObject()) {
        continue;
      }
      String rule = "#" + ri;
      List<Node> matches = route.get("match").elements();
      if (matches.isEmpty()) {
        if (catchAll >= 0) {
          warnUnused(route, rule, "only the last rule can have no matches");
        }
        catchAll = ri;
        continue;
      }
      if (catchAll >= 0) {
        warnUnused(route, rule, "route without matches defined before");
        continue;
      }
      int duplicates = 0;
      for (int mi = 0; mi < matches.size(); mi++) {
        JsonNode key = matches.get(mi).json();
        Integer earlier = seen.putIfAbsent(key, ri);
        if (earlier != null) {
          matches.get(mi).warn("virtualService rule " + rule + " match #" + mi
              + " is not used (duplicate/overlapping match in rule #" + earlier + ")");
          duplicates++;
        }
      }
      if (duplicates == matches.size()) {
        warnUnused(route, rule, "all matches used by prior rules");
      }
    }
  }

  private static void warnUnused(Node at, String rule, String reason) {
    at.warn("virtualService rule " + rule + " not used (" + reason + ")");
  }

  /** Istio names a rule or match by its {@code name} in quotes, else {@code #index}. */
  private static String ruleName(@Nullable String name, int index) {
    return name == null || name.isEmpty() ? "#" + index : Quoting.quote(name);
  }

  private static HttpMatchRequest withoutName(HttpMatchRequest m) {
    return new HttpMatchRequest(null, m.uri(), m.scheme(), m.method(), m.authority(), m.headers(),
        m.withoutHeaders(), m.queryParams(), m.ignoreUriCase(), m.port(), m.sourceLabels(),
        m.gateways(), m.sourceNamespace());
  }

  /**
   * A match with a non-empty uri prefix, reduced to what Istio compares
   * ({@code OverlappingMatchValidationForHTTPRoute}): port, and exact/prefix values of method
   * (GET when absent), authority, headers, query parameters and withoutHeaders.
   */
  private record PrefixMatch(String rule, String match, Node at, String prefix, int port,
      String method, String authority, Map<String, String> headers, Map<String, String> query,
      Map<String, String> without) {

    PrefixMatch(String rule, String match, Node at, HttpMatchRequest m) {
      this(rule, match, at, m.uri().value(), m.port() == null ? 0 : m.port(),
          m.method() == null || key(m.method()).isEmpty() ? "exact:GET" : key(m.method()),
          key(m.authority()), keys(m.headers()), keys(m.queryParams()), keys(m.withoutHeaders()));
    }

    /** {@code coveredValidation}: this earlier match takes every request the later one would. */
    boolean covers(PrefixMatch later) {
      return later.prefix.startsWith(prefix)
          && port == later.port
          && (method.equals(later.method) || method.startsWith(later.method))
          && (authority.equals(later.authority) || authority.startsWith(later.authority))
          && sameKeys(headers, later.headers)
          && sameKeys(query, later.query)
          && sameKeys(without, later.without);
    }

    private static boolean sameKeys(Map<String, String> a, Map<String, String> b) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, String> e : a.entrySet()) {
        String other = b.get(e.getKey());
        if (other == null || !(e.getValue().equals(other) || e.getValue().startsWith(other))) {
          return false;
        }
      }
      return true;
    }

    /** Istio's {@code assignExactOrPrefix}: "exact:v", "prefix:v", or "" for anything else. */
    private static String key(@Nullable StringMatch sm) {
      if (sm == null || sm.value().isEmpty()) {
        return "";
      }
      return switch (sm.kind()) {
        case EXACT -> "exact:" + sm.value();
        case PREFIX -> "prefix:" + sm.value();
        default -> "";
      };
    }

    private static Map<String, String> keys(Map<String, StringMatch> matches) {
      Map<String, String> out = new LinkedHashMap<>();
      matches.forEach((k, v) -> out.put(k, key(v)));
      return out;
    }
  }
}
