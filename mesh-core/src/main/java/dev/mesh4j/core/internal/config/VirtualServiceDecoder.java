package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.Delegate;
import dev.mesh4j.api.config.Destination;
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
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.RegexRewrite;
import dev.mesh4j.api.config.StringMatch;
import dev.mesh4j.api.config.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Decodes and validates a {@code VirtualService} spec, as Istio's validation does. */
final class VirtualServiceDecoder {
  private VirtualServiceDecoder() {}

  static VirtualService decode(ObjectMeta meta, Node spec) {
    List<String> hosts = spec.stringList("hosts");
    List<String> gateways = spec.stringList("gateways");
    boolean delegate = hosts.isEmpty() && !spec.get("hosts").isArray();
    boolean bindsToMesh = gateways.isEmpty() || gateways.contains(VirtualService.MESH_GATEWAY);

    if (hosts.isEmpty() && spec.get("hosts").isArray()) {
      spec.get("hosts").error("virtual service must have at least one host");
    }
    if (delegate && !gateways.isEmpty()) {
      spec.get("gateways").error("delegate virtual service must have no gateways specified");
    }
    Node hostsNode = spec.get("hosts");
    List<Node> hostNodes = hostsNode.elements();
    for (int i = 0; i < hosts.size() && i < hostNodes.size(); i++) {
      String h = hosts.get(i);
      String why = Hosts.invalidWildcardDomain(h, true);
      if (why != null) {
        hostNodes.get(i).error(why);
      } else if (h.equals("*") && bindsToMesh) {
        hostNodes.get(i).error(
            "wildcard host * is not allowed for virtual services bound to the mesh gateway");
      } else if (Hosts.isIp(h)) {
        hostNodes.get(i).error("IP address \"" + h + "\" is not allowed as a host; use a name");
      }
    }
    List<Node> gwNodes = spec.get("gateways").elements();
    for (int i = 0; i < gateways.size() && i < gwNodes.size(); i++) {
      validateGatewayName(gwNodes.get(i), gateways.get(i));
    }

    boolean hasTcp = !spec.get("tcp").isMissing();
    boolean hasTls = !spec.get("tls").isMissing();
    if (hasTcp) {
      spec.get("tcp").warn("tcp routes are not supported by mesh4j (ignored)");
    }
    if (hasTls) {
      spec.get("tls").warn("tls routes are not supported by mesh4j (ignored)");
    }
    Node httpNode = spec.get("http");
    List<HttpRoute> http = new ArrayList<>();
    for (Node r : httpNode.elements()) {
      HttpRoute route = route(r, delegate, bindsToMesh);
      if (route != null) {
        http.add(route);
      }
    }
    if (httpNode.elements().isEmpty() && !hasTcp && !hasTls) {
      spec.error("http, tcp or tls must be provided in virtual service");
    }
    List<String> exportTo = CommonDecoders.exportTo(spec.get("exportTo"));
    return new VirtualService(meta, hosts, gateways, http, exportTo);
  }

  static void validateGatewayName(Node at, String gateway) {
    if (gateway.equals(VirtualService.MESH_GATEWAY)) {
      return;
    }
    String[] parts = gateway.split("/", -1);
    if (parts.length > 2) {
      at.error("invalid gateway name \"" + gateway + "\" (expected: [namespace/]name)");
      return;
    }
    for (String p : parts) {
      if (p.isEmpty() || Hosts.invalidFqdn(p, p) != null || !p.equals(p.toLowerCase(java.util.Locale.ROOT))) {
        at.error("invalid gateway name \"" + gateway + "\" (expected: [namespace/]name)");
        return;
      }
    }
  }

  private static @Nullable HttpRoute route(Node r, boolean inDelegate, boolean bindsToMesh) {
    if (!r.expectObject()) {
      return null;
    }
    String name = r.string("name");
    List<HttpMatchRequest> match = r.list("match", m -> match(m, bindsToMesh));
    List<HttpRouteDestination> route = destinations(r.get("route"));
    HttpRedirect redirect = redirect(r.get("redirect"));
    HttpDirectResponse direct = directResponse(r.get("directResponse"));
    Delegate delegate = delegate(r.get("delegate"));
    HttpRewrite rewrite = rewrite(r.get("rewrite"));
    Duration timeout = r.duration("timeout");
    HttpRetry retries = retries(r.get("retries"));
    HttpFaultInjection fault = FaultDecoder.fault(r.get("fault"));
    List<HttpMirrorPolicy> mirrors = mirrors(r);
    Headers headers = CommonDecoders.headers(r.get("headers"));
    r.get("corsPolicy").markAllRead(); // Applied by servers; a client has nothing to do with it.

    int outcomes = (route.isEmpty() && r.get("route").elements().isEmpty() ? 0 : 1)
        + (redirect != null || !r.get("redirect").isMissing() ? 1 : 0)
        + (direct != null || !r.get("directResponse").isMissing() ? 1 : 0)
        + (delegate != null || !r.get("delegate").isMissing() ? 1 : 0);
    if (outcomes == 0) {
      r.error("HTTP route, redirect, direct response or delegate is required");
    }
    if (!r.get("route").elements().isEmpty() && !r.get("redirect").isMissing()) {
      r.error("HTTP route cannot contain both route and redirect");
    }
    if (!r.get("route").elements().isEmpty() && !r.get("directResponse").isMissing()) {
      r.error("HTTP route cannot contain both route and directResponse");
    }
    if (!r.get("redirect").isMissing() && !r.get("directResponse").isMissing()) {
      r.error("HTTP route cannot contain both redirect and directResponse");
    }
    if (!r.get("delegate").isMissing()) {
      if (inDelegate) {
        r.get("delegate").error("delegate virtual service cannot have delegate");
      }
      if (!r.get("route").elements().isEmpty() || !r.get("redirect").isMissing()
          || !r.get("directResponse").isMissing()) {
        r.get("delegate").error("HTTP route cannot contain both delegate and route, redirect or directResponse");
      }
    }
    if (!r.get("rewrite").isMissing() && !r.get("redirect").isMissing()) {
      r.error("HTTP route rule cannot contain both rewrite and redirect");
    }
    if (!r.get("rewrite").isMissing() && !r.get("directResponse").isMissing()) {
      r.error("HTTP route rule cannot contain both rewrite and directResponse");
    }
    return new HttpRoute(name, match, route, redirect, direct, delegate, rewrite, timeout, retries,
        fault, mirrors, headers);
  }

  private static @Nullable HttpMatchRequest match(Node m, boolean bindsToMesh) {
    if (!m.expectObject()) {
      return null;
    }
    String name = m.string("name");
    StringMatch uri = optionalMatch(m.get("uri"));
    StringMatch scheme = optionalMatch(m.get("scheme"));
    StringMatch method = optionalMatch(m.get("method"));
    StringMatch authority = optionalMatch(m.get("authority"));
    Map<String, StringMatch> headers = headerMatches(m.get("headers"), bindsToMesh);
    Map<String, StringMatch> without = headerMatches(m.get("withoutHeaders"), bindsToMesh);
    Map<String, StringMatch> query = CommonDecoders.stringMatchMap(m.get("queryParams"), false);
    Boolean ignoreCase = m.bool("ignoreUriCase");
    Integer port = m.integer("port", 1, CommonDecoders.MAX_PORT);
    Map<String, String> sourceLabels = CommonDecoders.labels(m.get("sourceLabels"));
    List<String> gateways = m.stringList("gateways");
    List<Node> gwNodes = m.get("gateways").elements();
    for (int i = 0; i < gateways.size() && i < gwNodes.size(); i++) {
      validateGatewayName(gwNodes.get(i), gateways.get(i));
    }
    String sourceNamespace = m.string("sourceNamespace");
    if (sourceNamespace != null && !Hosts.isDns1123Label(sourceNamespace)) {
      m.get("sourceNamespace").error("invalid namespace \"" + sourceNamespace + "\"");
    }
    m.get("statPrefix");
    return new HttpMatchRequest(name, uri, scheme, method, authority, headers, without, query,
        Boolean.TRUE.equals(ignoreCase), port, sourceLabels, gateways, sourceNamespace);
  }

  private static @Nullable StringMatch optionalMatch(Node n) {
    return n.isMissing() ? null : CommonDecoders.stringMatch(n, false);
  }

  private static Map<String, StringMatch> headerMatches(Node n, boolean bindsToMesh) {
    Map<String, StringMatch> all = CommonDecoders.stringMatchMap(n, true);
    Map<String, StringMatch> out = new LinkedHashMap<>();
    for (Map.Entry<String, StringMatch> e : all.entrySet()) {
      String k = e.getKey();
      if (k.startsWith("@request.auth.claims")) {
        if (bindsToMesh) {
          n.error("\"" + k + "\" header matches are only supported on gateways");
        }
        // Claims come from a JWT the gateway validated; a client never has them.
        continue;
      }
      if (k.equals("uri") || k.equals("scheme") || k.equals("method") || k.equals("authority")) {
        n.warn("\"" + k + "\" under headers is ignored; use the " + k + " match field");
        continue;
      }
      out.put(k, e.getValue());
    }
    return out;
  }

  private static List<HttpRouteDestination> destinations(Node n) {
    List<HttpRouteDestination> out = new ArrayList<>();
    List<Node> nodes = n.elements();
    long total = 0;
    boolean anyWeight = false;
    for (Node d : nodes) {
      if (!d.expectObject()) {
        continue;
      }
      Destination dest = CommonDecoders.destination(d.get("destination"));
      Node w = d.get("weight");
      Integer weight = w.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE);
      if (weight != null && weight < 0) {
        w.error("weight must not be negative (" + weight + ")");
        weight = null;
      }
      if (weight != null) {
        anyWeight = true;
        total += weight;
      }
      Headers headers = CommonDecoders.headers(d.get("headers"));
      if (dest != null) {
        out.add(new HttpRouteDestination(dest, weight, headers));
      }
    }
    if (nodes.size() > 1 && (!anyWeight || total == 0) && out.size() == nodes.size()) {
      n.error("total weight of destinations must be greater than 0");
    }
    return out;
  }

  private static @Nullable HttpRedirect redirect(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    String uri = n.string("uri");
    String authority = n.string("authority");
    Integer port = n.integer("port", 1, CommonDecoders.MAX_PORT);
    HttpRedirect.DerivePort derive = n.get("derivePort").asEnum(HttpRedirect.DerivePort.class);
    String scheme = n.string("scheme");
    Node codeNode = n.get("redirectCode");
    Integer code = codeNode.asInt(0, Integer.MAX_VALUE);
    if (code != null && code != 0 && (code < 300 || code > 399)) {
      codeNode.error("redirect code must be 3xx (" + code + ")");
    }
    if (port != null && derive != null) {
      n.error("only one of port and derivePort may be set");
    }
    if (uri == null && authority == null && scheme == null && port == null && derive == null) {
      n.error("redirect must specify URI, authority, scheme, or port");
    }
    if (uri != null && uri.isEmpty()) {
      n.get("uri").error("redirect URI must not be empty");
    }
    if (authority != null && authority.isEmpty()) {
      n.get("authority").error("redirect authority must not be empty");
    }
    return new HttpRedirect(uri, null, authority, port, derive, scheme,
        code == null || code == 0 ? HttpRedirect.DEFAULT_REDIRECT_CODE : code);
  }

  private static @Nullable HttpDirectResponse directResponse(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    Node statusNode = n.get("status");
    Integer status = statusNode.asInt(0, Integer.MAX_VALUE);
    if (status == null) {
      if (statusNode.isMissing()) {
        statusNode.error("required field is missing");
      }
      return null;
    }
    if (status < 200 || status > 599) {
      statusNode.error("status must be in range 200..599 (" + status + ")");
      return null;
    }
    Node body = n.get("body");
    String string = null;
    String bytes = null;
    if (body.expectObject()) {
      string = body.string("string");
      bytes = body.string("bytes");
      if (string != null && bytes != null) {
        body.error("only one of string and bytes may be set");
      }
      if (bytes != null) {
        try {
          java.util.Base64.getDecoder().decode(bytes);
        } catch (IllegalArgumentException e) {
          body.get("bytes").error("bytes must be base64: " + e.getMessage());
          bytes = null;
        }
      }
    }
    return new HttpDirectResponse(status, string, bytes);
  }

  private static @Nullable Delegate delegate(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    String name = n.requiredString("name");
    String namespace = n.string("namespace");
    if (!name.isEmpty() && !Hosts.isDns1123Label(name) && Hosts.invalidFqdn(name, name) != null) {
      n.get("name").error("invalid delegate name \"" + name + "\"");
    }
    if (namespace != null && !Hosts.isDns1123Label(namespace)) {
      n.get("namespace").error("invalid delegate namespace \"" + namespace + "\"");
    }
    return name.isEmpty() ? null : new Delegate(name, namespace);
  }

  private static @Nullable HttpRewrite rewrite(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    String uri = n.string("uri");
    String authority = n.string("authority");
    RegexRewrite regex = null;
    Node rr = n.get("uriRegexRewrite");
    if (rr.expectObject()) {
      String match = rr.requiredString("match");
      String replace = rr.get("rewrite").asString();
      if (replace == null) {
        rr.get("rewrite").error("required field is missing");
      }
      if (!match.isEmpty() && CommonDecoders.regex(rr.get("match"), match) != null && replace != null) {
        regex = new RegexRewrite(match, replace);
      }
    }
    if (uri != null && !rr.isMissing()) {
      n.error("rewrite may only contain one of uri and uriRegexRewrite");
    }
    if (uri == null && authority == null && rr.isMissing()) {
      n.error("rewrite must specify uri, uriRegexRewrite, or authority");
    }
    return new HttpRewrite(uri, authority, regex);
  }

  private static @Nullable HttpRetry retries(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    Node a = n.get("attempts");
    Integer attempts = a.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (attempts != null && attempts < 0) {
      a.error("attempts cannot be negative (" + attempts + ")");
      attempts = 0;
    }
    Duration perTry = n.duration("perTryTimeout");
    String retryOn = n.string("retryOn");
    if (retryOn != null) {
      RetryOn.validate(n.get("retryOn"), retryOn);
    }
    Boolean remote = n.bool("retryRemoteLocalities");
    Boolean ignorePrevious = n.bool("retryIgnorePreviousHosts");
    Duration backoff = n.duration("backoff");
    return new HttpRetry(attempts == null ? 0 : attempts, perTry, retryOn, remote, ignorePrevious,
        backoff);
  }

  private static List<HttpMirrorPolicy> mirrors(Node r) {
    List<HttpMirrorPolicy> out = new ArrayList<>();
    Node mirror = r.get("mirror");
    Node mirrors = r.get("mirrors");
    Node percentage = r.get("mirrorPercentage");
    Node percent = r.get("mirrorPercent");
    if (!mirror.isMissing() && !mirrors.isMissing()) {
      r.error("cannot use both mirror and mirrors");
    }
    if (!mirrors.isMissing() && (!percentage.isMissing() || !percent.isMissing())) {
      r.error("mirrorPercentage cannot be used with mirrors; set a percentage per mirror");
    }
    if (!mirror.isMissing()) {
      Destination d = CommonDecoders.destination(mirror);
      double p = 100;
      if (!percentage.isMissing()) {
        Double v = CommonDecoders.percent(percentage);
        p = v == null ? 100 : v;
      } else if (!percent.isMissing()) {
        Integer v = percent.asInt(0, 100);
        p = v == null ? 100 : v;
      }
      if (d != null) {
        out.add(new HttpMirrorPolicy(d, p));
      }
    } else if (!percentage.isMissing() || !percent.isMissing()) {
      if (!percentage.isMissing()) {
        CommonDecoders.percent(percentage);
      }
      r.warn("mirrorPercentage without mirror has no effect");
    }
    for (Node m : mirrors.elements()) {
      if (!m.expectObject()) {
        continue;
      }
      Destination d = CommonDecoders.destination(m.get("destination"));
      Node pn = m.get("percentage");
      Double p = pn.isMissing() ? Double.valueOf(100) : CommonDecoders.percent(pn);
      if (d != null) {
        out.add(new HttpMirrorPolicy(d, p == null ? 100 : p));
      }
    }
    return out;
  }
}
