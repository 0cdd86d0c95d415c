package dev.mesh4j.core.internal.config;

import static dev.mesh4j.core.internal.config.ManifestWriter.putBoolean;
import static dev.mesh4j.core.internal.config.ManifestWriter.putDuration;
import static dev.mesh4j.core.internal.config.ManifestWriter.putInt;
import static dev.mesh4j.core.internal.config.ManifestWriter.putMap;
import static dev.mesh4j.core.internal.config.ManifestWriter.putPercentage;
import static dev.mesh4j.core.internal.config.ManifestWriter.putString;
import static dev.mesh4j.core.internal.config.ManifestWriter.putStrings;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mesh4j.api.config.Delegate;
import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.HeaderOperations;
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
import dev.mesh4j.api.config.StringMatch;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes an {@code HTTPRoute} for {@link ManifestWriter}, in the form {@link HttpRouteDecoder}
 * and {@link HttpMatchDecoder} read. Stateless.
 */
final class HttpRouteWriter {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private HttpRouteWriter() {}

  static ObjectNode route(HttpRoute r) {
    ObjectNode out = JSON.objectNode();
    putString(out, "name", r.name());
    if (!r.match().isEmpty()) {
      ArrayNode match = out.putArray("match");
      r.match().forEach(m -> match.add(match(m)));
    }
    if (!r.route().isEmpty()) {
      ArrayNode route = out.putArray("route");
      r.route().forEach(d -> route.add(routeDestination(d)));
    }
    if (r.redirect() != null) {
      out.set("redirect", redirect(r.redirect()));
    }
    if (r.directResponse() != null) {
      out.set("directResponse", directResponse(r.directResponse()));
    }
    if (r.delegate() != null) {
      out.set("delegate", delegate(r.delegate()));
    }
    if (r.rewrite() != null) {
      out.set("rewrite", rewrite(r.rewrite()));
    }
    putDuration(out, "timeout", r.timeout());
    if (r.retries() != null) {
      out.set("retries", retries(r.retries()));
    }
    if (r.fault() != null) {
      out.set("fault", fault(r.fault()));
    }
    if (!r.mirrors().isEmpty()) {
      ArrayNode mirrors = out.putArray("mirrors");
      r.mirrors().forEach(m -> mirrors.add(mirror(m)));
    }
    putHeaders(out, r.headers());
    return out;
  }

  private static ObjectNode match(HttpMatchRequest m) {
    ObjectNode out = JSON.objectNode();
    putString(out, "name", m.name());
    putStringMatch(out, "uri", m.uri());
    putStringMatch(out, "scheme", m.scheme());
    putStringMatch(out, "method", m.method());
    putStringMatch(out, "authority", m.authority());
    putStringMatches(out, "headers", m.headers());
    putStringMatches(out, "withoutHeaders", m.withoutHeaders());
    putStringMatches(out, "queryParams", m.queryParams());
    if (m.ignoreUriCase()) {
      out.put("ignoreUriCase", true);
    }
    putInt(out, "port", m.port());
    putMap(out, "sourceLabels", m.sourceLabels());
    putStrings(out, "gateways", m.gateways());
    putString(out, "sourceNamespace", m.sourceNamespace());
    return out;
  }

  private static void putStringMatch(ObjectNode out, String field, @Nullable StringMatch sm) {
    if (sm != null) {
      out.set(field, stringMatch(sm));
    }
  }

  private static void putStringMatches(ObjectNode out, String field, Map<String, StringMatch> m) {
    if (!m.isEmpty()) {
      ObjectNode o = out.putObject(field);
      m.forEach((k, v) -> o.set(k, stringMatch(v)));
    }
  }

  /** An empty StringMatch ({@code {}}) is the model's "present with any value". */
  private static ObjectNode stringMatch(StringMatch sm) {
    ObjectNode out = JSON.objectNode();
    switch (sm.kind()) {
      case EXACT -> out.put("exact", sm.value());
      case PREFIX -> out.put("prefix", sm.value());
      case REGEX -> out.put("regex", sm.value());
      case PRESENT -> { }
      default -> throw new AssertionError(sm.kind());
    }
    return out;
  }

  private static ObjectNode routeDestination(HttpRouteDestination d) {
    ObjectNode out = JSON.objectNode();
    out.set("destination", destination(d.destination()));
    putInt(out, "weight", d.weight());
    putHeaders(out, d.headers());
    return out;
  }

  static ObjectNode destination(Destination d) {
    ObjectNode out = JSON.objectNode();
    out.put("host", d.host());
    putString(out, "subset", d.subset());
    if (d.port() != null) {
      out.putObject("port").put("number", d.port());
    }
    return out;
  }

  private static void putHeaders(ObjectNode out, Headers h) {
    if (h.isEmpty()) {
      return;
    }
    ObjectNode headers = out.putObject("headers");
    if (!h.request().isEmpty()) {
      headers.set("request", headerOperations(h.request()));
    }
    if (!h.response().isEmpty()) {
      headers.set("response", headerOperations(h.response()));
    }
  }

  private static ObjectNode headerOperations(HeaderOperations ops) {
    ObjectNode out = JSON.objectNode();
    putMap(out, "set", ops.set());
    putMap(out, "add", ops.add());
    putStrings(out, "remove", ops.remove());
    return out;
  }

  private static ObjectNode redirect(HttpRedirect r) {
    ObjectNode out = JSON.objectNode();
    putString(out, "uri", r.uri());
    putString(out, "prefixRewrite", r.prefixRewrite());
    putString(out, "authority", r.authority());
    putInt(out, "port", r.port());
    if (r.derivePort() != null) {
      out.put("derivePort", r.derivePort().name());
    }
    putString(out, "scheme", r.scheme());
    if (r.redirectCode() != HttpRedirect.DEFAULT_REDIRECT_CODE) {
      out.put("redirectCode", r.redirectCode());
    }
    return out;
  }

  /** The body as Istio's {@code body.string} or {@code body.bytes} (base64, as the record keeps it). */
  private static ObjectNode directResponse(HttpDirectResponse d) {
    ObjectNode out = JSON.objectNode();
    out.put("status", d.status());
    if (d.bodyString() != null || d.bodyBase64() != null) {
      ObjectNode body = out.putObject("body");
      putString(body, "string", d.bodyString());
      putString(body, "bytes", d.bodyBase64());
    }
    return out;
  }

  private static ObjectNode delegate(Delegate d) {
    ObjectNode out = JSON.objectNode();
    out.put("name", d.name());
    putString(out, "namespace", d.namespace());
    return out;
  }

  private static ObjectNode rewrite(HttpRewrite r) {
    ObjectNode out = JSON.objectNode();
    putString(out, "uri", r.uri());
    putString(out, "authority", r.authority());
    if (r.uriRegexRewrite() != null) {
      out.putObject("uriRegexRewrite")
          .put("match", r.uriRegexRewrite().match())
          .put("rewrite", r.uriRegexRewrite().rewrite());
    }
    return out;
  }

  private static ObjectNode retries(HttpRetry r) {
    ObjectNode out = JSON.objectNode();
    out.put("attempts", r.attempts());
    putDuration(out, "perTryTimeout", r.perTryTimeout());
    putString(out, "retryOn", r.retryOn());
    putBoolean(out, "retryRemoteLocalities", r.retryRemoteLocalities());
    putBoolean(out, "retryIgnorePreviousHosts", r.retryIgnorePreviousHosts());
    putDuration(out, "backoff", r.backoff());
    return out;
  }

  private static ObjectNode fault(HttpFaultInjection f) {
    ObjectNode out = JSON.objectNode();
    if (f.delay() != null) {
      ObjectNode delay = out.putObject("delay");
      putDuration(delay, "fixedDelay", f.delay().fixedDelay());
      putPercentage(delay, "percentage", f.delay().percentage());
    }
    if (f.abort() != null) {
      ObjectNode abort = out.putObject("abort");
      putInt(abort, "httpStatus", f.abort().httpStatus());
      putString(abort, "grpcStatus", f.abort().grpcStatus());
      putPercentage(abort, "percentage", f.abort().percentage());
    }
    return out;
  }

  /** A mirror in Istio's {@code mirrors} form; the percentage is written unless it is 100. */
  private static ObjectNode mirror(HttpMirrorPolicy m) {
    ObjectNode out = JSON.objectNode();
    out.set("destination", destination(m.destination()));
    if (Double.compare(m.percentage(), 100) != 0) {
      putPercentage(out, "percentage", m.percentage());
    }
    return out;
  }
}
