package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Quoting;
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
import dev.mesh4j.api.config.RegexRewrite;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decodes an {@code HTTPRoute}, checked as Istio's {@code validateHTTPRoute}
 * ({@code virtualservice.go}) and the validators it calls. Stateless.
 */
final class HttpRouteDecoder {
  private HttpRouteDecoder() {}

  /** {@code validateHTTPDirectResponse}: bodies over 1 MiB are rejected, over 100 KiB warned. */
  private static final int MAX_BODY = 1024 * 1024;
  private static final int LARGE_BODY = 100 * 1024;

  /**
   * @param inDelegateVs the route belongs to a delegate VirtualService (one without hosts)
   */
  static @Nullable HttpRoute route(Node r, boolean inDelegateVs) {
    if (r.isMissing()) {
      r.error("http route may not be null");
      return null;
    }
    if (!r.expectObject()) {
      return null;
    }
    String name = r.string("name");
    List<Node> matchNodes = r.get("match").elements();
    List<HttpMatchRequest> match = r.list("match", HttpMatchDecoder::match);
    checkConflicts(r, inDelegateVs, name == null ? "" : name);
    Headers headers = HeaderRules.headers(r.get("headers"));
    CorsPolicyRules.check(r.get("corsPolicy"));
    HttpFaultInjection fault = FaultDecoder.fault(r.get("fault"));
    List<HttpMirrorPolicy> mirrors = mirrors(r);
    HttpRedirect redirect = redirect(r.get("redirect"), matchNodes);
    HttpDirectResponse direct = directResponse(r.get("directResponse"));
    HttpRetry retries = RetryDecoder.retries(r.get("retries"));
    HttpRewrite rewrite = rewrite(r.get("rewrite"));
    HeaderRules.checkAuthorityRewrite(r);
    List<HttpRouteDestination> route = destinations(r.get("route"));
    Duration timeout = r.duration("timeout");
    Delegate delegate = delegate(r.get("delegate"));
    return new HttpRoute(name, match, route, redirect, direct, delegate, rewrite, timeout, retries,
        fault, mirrors, headers);
  }

  /**
   * {@code validateHTTPRouteConflict}: a root route (one with {@code delegate}) may not also
   * route or redirect; a route of a delegate VirtualService may not delegate again; otherwise
   * exactly one of route, redirect and directResponse, and redirect/directResponse exclude fault
   * and rewrite.
   */
  private static void checkConflicts(Node r, boolean inDelegateVs, String name) {
    boolean route = !r.get("route").elements().isEmpty();
    boolean redirect = !r.get("redirect").isMissing();
    boolean direct = !r.get("directResponse").isMissing();
    boolean delegate = !r.get("delegate").isMissing();
    boolean fault = !r.get("fault").isMissing();
    boolean rewrite = !r.get("rewrite").isMissing();
    if (!inDelegateVs && delegate) {
      String label = name.isEmpty() ? "" : " " + Quoting.quote(name);
      if (redirect) {
        r.get("redirect").error("root HTTP route" + label + " must not specify redirect");
      }
      if (route) {
        r.get("route").error("root HTTP route" + label + " must not specify route");
      }
      return;
    }
    if (inDelegateVs && delegate) {
      r.get("delegate").error("delegate HTTP route cannot contain delegate");
    }
    if (redirect) {
      if (route) {
        r.error("HTTP route cannot contain both route and redirect");
      }
      if (fault) {
        r.error("HTTP route cannot contain both fault and redirect");
      }
      if (rewrite) {
        r.error("HTTP route rule cannot contain both rewrite and redirect");
      }
      if (direct) {
        r.error("HTTP route rule cannot contain both direct_response and redirect");
      }
    } else if (direct) {
      if (route) {
        r.error("HTTP route cannot contain both route and direct_response");
      }
      if (fault) {
        r.error("HTTP route cannot contain both fault and direct_response");
      }
      if (rewrite) {
        r.error("HTTP route rule cannot contain both rewrite and direct_response");
      }
    } else if (!route) {
      r.error("HTTP route, redirect or direct_response is required");
    }
    if (!r.get("mirror").isMissing() && !r.get("mirrors").elements().isEmpty()) {
      r.error("HTTP route cannot contain both mirror and mirrors");
    }
  }

  /**
   * {@code validateHTTPRouteDestinations}: each entry has a destination, valid header
   * operations and a weight >= 0; several destinations need a total weight > 0 (weights need not
   * sum to 100). Entries are kept as written, invalid ones too; only one without a destination,
   * which the model cannot hold, is left out.
   */
  private static List<HttpRouteDestination> destinations(Node n) {
    List<HttpRouteDestination> out = new ArrayList<>();
    List<Node> nodes = n.elements();
    long total = 0;
    boolean complete = true;
    for (Node d : nodes) {
      if (d.isMissing()) {
        d.error("weight may not be nil");
        complete = false;
        continue;
      }
      if (!d.expectObject()) {
        complete = false;
        continue;
      }
      CommonDecoders.Checked<Destination> dest = CommonDecoders.checkedDestination(d.get("destination"), true);
      Headers headers = HeaderRules.headers(d.get("headers"));
      Node w = d.get("weight");
      Integer weight = w.asInt32();
      if (weight != null && weight < 0) {
        w.error("weight " + weight + " < 0");
      } else if (weight != null) {
        total += weight;
      }
      complete &= dest.valid();
      if (dest.value() != null) {
        out.add(new HttpRouteDestination(dest.value(), weight, headers));
      }
    }
    if (nodes.size() > 1 && total == 0 && complete) {
      n.error("total destination weight = 0");
    }
    return out;
  }

  /**
   * {@code validateHTTPRedirect}, which reports only the first problem it finds. The redirect is
   * returned as written, also when invalid.
   */
  private static @Nullable HttpRedirect redirect(Node n, List<Node> matches) {
    if (!n.expectObject()) {
      return null;
    }
    String uri = n.text("uri");
    String prefixRewrite = n.text("prefixRewrite");
    String authority = n.text("authority");
    String scheme = n.text("scheme");
    Node portNode = n.get("port");
    Node deriveNode = n.get("derivePort");
    Long port = portNode.asUint32();
    HttpRedirect.DerivePort derive = deriveNode.asEnum(HttpRedirect.DerivePort.class);
    Node codeNode = n.get("redirectCode");
    Long code = codeNode.asUint32();
    if (!portNode.isMissing() && !deriveNode.isMissing()) {
      n.error("only one of port and derivePort may be set");
    } else if (!uri.isEmpty() && !prefixRewrite.isEmpty()) {
      n.error("redirect may only specify one of uri or prefix_rewrite");
    } else if (!prefixRewrite.isEmpty() && !allUriMatchesArePrefixes(matches)) {
      n.get("prefixRewrite").error(
          "redirect prefix_rewrite requires all URI matches to use prefix match type");
    } else if (uri.isEmpty() && prefixRewrite.isEmpty() && authority.isEmpty() && scheme.isEmpty()
        && portNode.isMissing() && deriveNode.isMissing()) {
      n.error("redirect must specify URI, authority, scheme, or port");
    } else if (code != null && code != 0 && (code < 300 || code > 399)) {
      codeNode.error(code + " is not a valid redirect code, must be 3xx");
    } else if (!scheme.isEmpty() && !scheme.equals("http") && !scheme.equals("https")) {
      n.get("scheme").error("invalid redirect scheme, must be \"http\" or \"https\"");
    } else if (port != null && port > 0 && Ports.validatePort(port) != null) {
      portNode.error(Ports.validatePort(port));
    }
    if (!HeaderRules.checkSendable(n.get("uri"), "redirect uri", uri, false)
        || !HeaderRules.checkSendable(n.get("prefixRewrite"), "redirect prefix", prefixRewrite, false)
        || !HeaderRules.checkSendable(n.get("authority"), "redirect authority", authority, false)) {
      return null;
    }
    return new HttpRedirect(uri.isEmpty() ? null : uri,
        prefixRewrite.isEmpty() ? null : prefixRewrite, authority.isEmpty() ? null : authority,
        port == null || port == 0 ? null : Ports.toInt(port), derive, scheme.isEmpty() ? null : scheme,
        code == null || code == 0 ? HttpRedirect.DEFAULT_REDIRECT_CODE : Ports.toInt(code));
  }

  private static boolean allUriMatchesArePrefixes(List<Node> matches) {
    for (Node m : matches) {
      if (m.isObject() && m.get("uri").isObject() && m.get("uri").string("prefix") == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code validateHTTPDirectResponse}: status 200..600, a body under 1 MiB. Returned as
   * written, also when invalid (an absent status as 0).
   */
  private static @Nullable HttpDirectResponse directResponse(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    Node statusNode = n.get("status");
    Long status = statusNode.asUint32();
    FaultDecoder.checkHttpStatus(statusNode, status == null ? 0 : status);
    Node body = n.get("body");
    String string = null;
    String bytes = null;
    if (body.expectObject()) {
      string = body.string("string");
      bytes = body.string("bytes");
      int size = 0;
      if (string != null && bytes != null) {
        body.error("only one of string and bytes may be set");
      } else if (string != null) {
        size = string.getBytes(StandardCharsets.UTF_8).length;
      } else if (bytes != null) {
        try {
          size = Base64.getDecoder().decode(bytes).length;
        } catch (IllegalArgumentException e) {
          body.get("bytes").error("bytes must be base64: " + e.getMessage());
        }
      }
      if (size > MAX_BODY) {
        body.error("large direct_responses may impact control plane performance, must be less than 1MB");
      } else if (size > LARGE_BODY) {
        body.warn("large direct_responses may impact control plane performance");
      }
    }
    return new HttpDirectResponse(status == null ? 0 : Ports.toInt(status), string, bytes);
  }

  /**
   * {@code delegate {name, namespace}}: Istio does not check these; a delegate without a name
   * names no VirtualService (mesh4j warns: its requests would get 404).
   */
  private static @Nullable Delegate delegate(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    String name = n.text("name");
    String namespace = n.text("namespace");
    if (name.isEmpty()) {
      n.warn("delegate without a name refers to no VirtualService");
      return null;
    }
    return new Delegate(name, namespace.isEmpty() ? null : namespace);
  }

  /**
   * {@code validateHTTPRewrite}, which reports only the first problem it finds. Returned as
   * written, also when invalid.
   */
  private static @Nullable HttpRewrite rewrite(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    String uri = n.text("uri");
    String authority = n.text("authority");
    Node rr = n.get("uriRegexRewrite");
    String match = rr.isObject() ? rr.text("match") : "";
    String replace = rr.isObject() ? rr.text("rewrite") : "";
    rr.expectObject();
    RegexRewrite regex = rr.isObject() ? new RegexRewrite(match, replace) : null;
    HttpRewrite rewrite = new HttpRewrite(uri.isEmpty() ? null : uri,
        authority.isEmpty() ? null : authority, regex);
    if (!uri.isEmpty() && !rr.isMissing()) {
      n.error("rewrite may only contain one of URI or UriRegexRewrite");
    } else if (uri.isEmpty() && rr.isMissing() && authority.isEmpty()) {
      n.error("rewrite must specify at least one of URI, UriRegexRewrite, or authority. "
          + "Only one of URI or UriRegexRewrite may be specified");
    } else if (rr.isObject() && (match.isEmpty() || replace.isEmpty())) {
      rr.get(match.isEmpty() ? "match" : "rewrite").error(
          "UriRegexRewrite requires both Rewrite and Match fields to be specified");
    } else if (rr.isObject()) {
      CommonDecoders.validRegex(rr.get("match"), match, "HTTPRewrite.UriRegexRewrite.Match");
    }
    if (rr.isObject() && !replace.isEmpty()) {
      HeaderRules.checkSendable(rr.get("rewrite"), "rewrite", replace, false);
    }
    HeaderRules.checkSendable(n.get("authority"), "authority", authority, false);
    if (HeaderRules.checkSendable(n.get("uri"), "rewrite uri", uri, false)
        && !uri.isEmpty() && !uri.startsWith("/")) {
      // The rewritten path is the request's path: it must be one.
      n.get("uri").error("rewrite uri " + Quoting.quote(uri) + " must start with \"/\": mesh4j sends it as the request path");
    }
    return rewrite;
  }

  /**
   * {@code mirror} with {@code mirrorPercentage} (or the deprecated {@code mirrorPercent}), or
   * {@code mirrors[]} each with its own percentage; a percentage is 0..100, 100 when absent.
   */
  private static List<HttpMirrorPolicy> mirrors(Node r) {
    List<HttpMirrorPolicy> out = new ArrayList<>();
    Node mirror = r.get("mirror");
    Node percentage = r.get("mirrorPercentage");
    Node percent = r.get("mirrorPercent");
    Double p = null;
    if (!percent.isMissing()) {
      Long v = percent.asUint32();
      if (v != null && v > 100) {
        percent.error("mirror_percent must have a max value of 100 (it has " + v + ")");
      } else if (v != null) {
        p = v.doubleValue();
      }
      percent.warn("using deprecated setting \"mirrorPercent\", use \"mirrorPercentage\" instead");
    }
    if (percentage.expectObject()) {
      p = mirrorPercentage(percentage.get("value"), "mirror_percentage");
    }
    if (!mirror.isMissing()) {
      Destination d = CommonDecoders.destination(mirror, false);
      if (d != null) {
        out.add(new HttpMirrorPolicy(d, p == null ? 100 : p));
      }
    } else if (!percentage.isMissing() || !percent.isMissing()) {
      r.warn("mirrorPercentage without mirror has no effect");
    }
    for (Node m : r.get("mirrors").elements()) {
      if (m.isMissing()) {
        m.error("mirror cannot be null");
        continue;
      }
      if (!m.expectObject()) {
        continue;
      }
      Node dest = m.get("destination");
      if (dest.isMissing()) {
        dest.error("destination is required for mirrors");
        continue;
      }
      Destination d = CommonDecoders.destination(dest, true);
      Node pn = m.get("percentage");
      Double mp = pn.expectObject() ? mirrorPercentage(pn.get("value"), "mirror percentage") : null;
      if (d != null) {
        out.add(new HttpMirrorPolicy(d, mp == null ? 100 : mp));
      }
    }
    return out;
  }

  /**
   * A mirror's percentage: 0..100 (Istio checks no 0.0001 granularity here); one out of range is
   * returned as written.
   */
  private static @Nullable Double mirrorPercentage(Node v, String what) {
    Double d = v.asDouble();
    if (d == null) {
      return v.isMissing() ? 0.0 : null;
    }
    if (d > 100) {
      v.error(what + " must have a max value of 100 (it has " + CommonDecoders.format(d) + ")");
    } else if (d < 0) {
      v.error(what + " must have a min value of 0 (it has " + CommonDecoders.format(d) + ")");
    }
    return d;
  }
}
