package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.StringMatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes an {@code HTTPMatchRequest}, checked as Istio's {@code validateHTTPRouteMatchRequest}
 * ({@code virtualservice.go}). Stateless.
 */
final class HttpMatchDecoder {
  private HttpMatchDecoder() {}

  static @Nullable HttpMatchRequest match(Node m) {
    if (!m.expectObject()) {
      return null;
    }
    String name = m.string("name");
    // uri allows an empty prefix (Envoy's RouteMatch.prefix may be empty); an empty StringMatch
    // constrains nothing.
    StringMatch uri = m.get("uri").isMissing() ? null
        : CommonDecoders.stringMatch(m.get("uri"), "uri", true);
    if (uri != null && uri.kind() == StringMatch.Kind.PRESENT) {
      uri = null;
    }
    StringMatch scheme = optional(m.get("scheme"), "scheme");
    StringMatch method = optional(m.get("method"), "method");
    StringMatch authority = optional(m.get("authority"), "authority");
    Map<String, StringMatch> headers = headerMatches(m.get("headers"), false);
    Map<String, StringMatch> without = headerMatches(m.get("withoutHeaders"), true);
    Map<String, StringMatch> query = queryParams(m.get("queryParams"));
    Boolean ignoreCase = m.bool("ignoreUriCase");
    Node portNode = m.get("port");
    Long rawPort = portNode.asUint32();
    Integer port = null;
    if (rawPort != null && rawPort != 0) {
      String why = Ports.validatePort(rawPort);
      if (why != null) {
        portNode.error(why);
      }
      port = Ports.toInt(rawPort);
    }
    Map<String, String> sourceLabels = CommonDecoders.labels(m.get("sourceLabels"));
    List<String> gateways = CommonDecoders.gatewayNames(m.get("gateways"));
    String sourceNamespace = m.text("sourceNamespace");
    if (!sourceNamespace.isEmpty() && !Hosts.isDns1123Label(sourceNamespace)) {
      m.get("sourceNamespace").error("sourceNamespace match " + Quoting.escape(sourceNamespace) + " is invalid");
    }
    m.get("statPrefix"); // names Envoy stats; nothing to do in-process
    return new HttpMatchRequest(name, uri, scheme, method, authority, headers, without, query,
        Boolean.TRUE.equals(ignoreCase), port, sourceLabels, gateways,
        sourceNamespace.isEmpty() ? null : sourceNamespace);
  }

  private static @Nullable StringMatch optional(Node n, String where) {
    return n.isMissing() ? null : CommonDecoders.stringMatch(n, where, false);
  }

  /**
   * {@code headers} or {@code withoutHeaders}: names are tokens, pseudo-headers or JWT claims
   * (upper case allowed; lower-cased in the model, as header names are case-insensitive; an
   * invalid name is kept as written, after its error). A null
   * {@code headers} entry is an error; in {@code withoutHeaders} it means "absent", and there
   * {@code regex: "*"} is a presence test rather than a regex (Istio exempts it).
   */
  private static Map<String, StringMatch> headerMatches(Node n, boolean without) {
    String where = without ? "withoutHeaders" : "headers";
    Map<String, StringMatch> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : n.entries().entrySet()) {
      String name = e.getKey();
      Node value = e.getValue();
      boolean validName = HeaderRules.checkMatchName(value, name);
      StringMatch sm;
      if (value.isMissing()) {
        if (!without) {
          value.error("header match " + Quoting.escape(name) + " cannot be null");
          continue;
        }
        sm = StringMatch.present();
      } else if (without && value.isObject() && "*".equals(value.get("regex").asString())) {
        value.get("exact");
        value.get("prefix");
        sm = StringMatch.present();
      } else {
        sm = CommonDecoders.stringMatch(value, where, false);
      }
      if (validName && HeaderRules.isJwtClaim(name)) {
        // Kept in the model: no request header has this name, so the condition behaves as a
        // claim that is never there.
        value.warn("mesh4j validates no JWT, so it has no claims: this condition "
            + (without ? "always holds" : "never holds"));
      }
      if (sm != null) {
        out.put(validName ? name.toLowerCase(Locale.ROOT) : name, sm);
      }
    }
    return out;
  }

  /** {@code queryParams}: names are not checked (as Istio); values as other StringMatches. */
  private static Map<String, StringMatch> queryParams(Node n) {
    Map<String, StringMatch> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : n.entries().entrySet()) {
      StringMatch sm = e.getValue().isMissing() ? StringMatch.present()
          : CommonDecoders.stringMatch(e.getValue(), "queryParams", false);
      if (sm != null) {
        out.put(e.getKey(), sm);
      }
    }
    return out;
  }
}
