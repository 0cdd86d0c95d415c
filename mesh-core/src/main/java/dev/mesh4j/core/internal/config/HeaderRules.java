package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.FramingHeaders;
import dev.mesh4j.core.internal.common.HeaderFormat;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.HeaderOperations;
import dev.mesh4j.api.config.Headers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Header names and values in match conditions and header operations, checked as Istio's
 * {@code ValidateHTTPHeaderNameOrJwtClaimRoute}, {@code ValidateHTTPHeaderWithAuthorityOperationName},
 * {@code ValidateHTTPHeaderOperationName}, {@code ValidateHTTPHeaderValue} (with Envoy's
 * {@code %VAR%} format parser, {@code header_value_validator.go}) and
 * {@code validateAuthorityRewrite}. Stateless.
 */
final class HeaderRules {
  private HeaderRules() {}

  /** RFC 7230 {@code tchar}s: the characters of a header name. */
  private static final String TCHARS = "!#$%&'*+-.^_`|~";
  private static final Set<String> PSEUDO_HEADERS =
      Set.of(":method", ":scheme", ":authority", ":path", ":status");
  static final String JWT_CLAIM_PREFIX = "@request.auth.claims";

  /** Whether a name is an HTTP token (RFC 7230), as Istio's {@code validHeaderNameRegex}. */
  static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || TCHARS.indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Istio's {@code jwt.ToRoutingClaim(name).Match}: {@code @request.auth.claims.a.b} or
   * {@code @request.auth.claims[a][b]}.
   */
  static boolean isJwtClaim(String name) {
    if (!name.toLowerCase(Locale.ROOT).startsWith(JWT_CLAIM_PREFIX)) {
      return false;
    }
    String rest = name.substring(JWT_CLAIM_PREFIX.length());
    return (rest.startsWith(".") && rest.length() > 1)
        || (rest.startsWith("[") && rest.endsWith("]") && rest.length() > 2);
  }

  /**
   * A header name in {@code match.headers}/{@code withoutHeaders}
   * ({@code ValidateHTTPHeaderNameOrJwtClaimRoute}): a token, a pseudo-header or a JWT claim.
   */
  static boolean checkMatchName(Node at, String name) {
    if (name.isEmpty()) {
      at.error("header name cannot be empty");
      return false;
    }
    if (isJwtClaim(name) || PSEUDO_HEADERS.contains(name) || isToken(name)) {
      return true;
    }
    at.error("header name " + Quoting.escape(name) + " is not a valid header name");
    return false;
  }

  /**
   * Whether an HTTP client can send {@code value} where mesh4j puts it: in a header value
   * (visible ASCII, space and tab: what OkHttp and the JDK's HttpClient accept), or, with
   * {@code spaces} false, in an authority or a URL (visible ASCII only). Envoy would send the
   * UTF-8 bytes of other characters; a client library throws instead, on every request, so mesh4j
   * refuses such a value when it loads. Records the error at {@code at}.
   */
  static boolean checkSendable(Node at, String what, String value, boolean spaces) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c > 0x20 && c < 0x7f) || (spaces && (c == ' ' || c == '\t'))) {
        continue;
      }
      at.error(what + " " + Quoting.quote(value) + " has " + String.format("U+%04X", (int) value.codePointAt(i))
          + " at position " + i + ", which an HTTP client cannot send: use visible ASCII"
          + (spaces ? ", space or tab" : "") + " (percent-encode other text)");
      return false;
    }
    return true;
  }

  /** A header name mesh4j sends: an HTTP token, as HTTP clients require. */
  private static boolean checkSentName(Node at, String name) {
    if (isToken(name)) {
      return true;
    }
    at.error("header name " + Quoting.escape(name) + " is not a valid header name: an HTTP client "
        + "sends only token characters (letters, digits and !#$%&'*+-.^_`|~)");
    return false;
  }

  static boolean isAuthority(String name) {
    return name.equalsIgnoreCase(":authority") || name.equalsIgnoreCase("host");
  }

  /**
   * {@code headers: {request: …, response: …}} at route or destination level. Request
   * {@code set}/{@code add} may name {@code host} or {@code :authority} (an authority rewrite);
   * request {@code remove} and all response operations may not touch {@code Host} or a
   * pseudo-header. Names are lower-cased in the model. Invalid operations are kept after their
   * error, an invalid name as written (so that the manifest of the model reads the same).
   */
  static Headers headers(Node n) {
    if (!n.expectObject()) {
      return Headers.NONE;
    }
    return new Headers(operations(n.get("request"), true), operations(n.get("response"), false));
  }

  private static HeaderOperations operations(Node n, boolean request) {
    if (!n.expectObject()) {
      return HeaderOperations.NONE;
    }
    Map<String, String> set = values(n.get("set"), request);
    Map<String, String> add = values(n.get("add"), request);
    List<String> remove = new ArrayList<>();
    for (Node r : n.get("remove").elements()) {
      String name = r.asString();
      if (name != null) {
        remove.add(checkOperationName(r, name) ? name.toLowerCase(Locale.ROOT) : name);
        warnIfFraming(r, name);
      }
    }
    return new HeaderOperations(set, add, remove);
  }

  private static Map<String, String> values(Node n, boolean request) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : n.entries().entrySet()) {
      String name = e.getKey();
      Node at = e.getValue();
      String v = at.asString();
      if (v == null) {
        if (at.isMissing()) {
          at.error("expected a string, got null");
        }
        continue;
      }
      boolean nameOk = request ? checkSetName(at, name) : checkOperationName(at, name);
      boolean authority = request && isAuthority(name);
      nameOk = nameOk && (authority || checkSentName(at, name));
      warnIfFraming(at, name);
      if (checkValue(at, v)) {
        if (authority) {
          checkLiteralAuthority(at, v);
          checkSendable(at, "authority", v, false);
        } else if (checkSendable(at, "header value", v, true)) {
          checkSubstitution(at, v, request);
        }
      }
      out.put(nameOk ? name.toLowerCase(Locale.ROOT) : name, v);
    }
    return out;
  }

  /**
   * A header value's {@code %VARIABLE%}s are ones mesh4j substitutes ({@link HeaderFormat}); the
   * others are refused rather than sent literally. In request headers, a variable only a response
   * has comes out empty, as in Envoy (which formats request headers before it picks the
   * endpoint): a warning says so.
   */
  private static void checkSubstitution(Node at, String value, boolean request) {
    String why = HeaderFormat.problem(value);
    if (why != null) {
      at.error("header value configuration: " + why);
      return;
    }
    String now = HeaderFormat.compile(value, System::getenv).literalText();
    if (!HeaderFormat.sendable(now)) {
      checkSendable(at, "header value (as %HOSTNAME% or %ENVIRONMENT(…)% make it here)", now, true);
      return;
    }
    List<String> responseOnly = request ? HeaderFormat.responseOnly(value) : List.of();
    if (!responseOnly.isEmpty()) {
      at.warn(String.join(", ", responseOnly) + " has no value in a request header: the endpoint is not"
          + " picked yet when request headers are formatted (as in Envoy), so it comes out empty");
    }
  }

  /**
   * Istio turns a {@code host}/{@code :authority} header operation into Envoy's literal host
   * rewrite: a {@code %VARIABLE%} there would be sent as written, so it is refused.
   */
  private static void checkLiteralAuthority(Node at, String value) {
    if (HeaderFormat.hasCommand(value)) {
      at.error("authority " + Quoting.quote(value) + " has a %VARIABLE%: Istio rewrites the authority"
          + " literally, so it would be sent as written (write %% for a literal %)");
    }
  }

  /**
   * An operation on a header that frames the message or its connection is accepted, as Istio
   * accepts it, but not applied: the transport owns these headers, and a peer told of a body that
   * is not there (a {@code content-length} set by a route) would wait for it until a timeout.
   */
  private static void warnIfFraming(Node at, String name) {
    if (FramingHeaders.is(name.toLowerCase(Locale.ROOT))) {
      at.warn("header " + Quoting.quote(name) + " frames the message or its connection: the transport sets it, and"
          + " mesh4j does not apply this operation");
    }
  }

  /** {@code ValidateHTTPHeaderWithAuthorityOperationName}: request set/add. */
  private static boolean checkSetName(Node at, String name) {
    if (name.isEmpty()) {
      at.error("header name cannot be empty");
      return false;
    }
    if ((name.startsWith(":") || name.equalsIgnoreCase("host")) && !isAuthority(name)) {
      at.error("invalid header " + Quoting.quote(name) + ": header cannot have \":\" prefix");
      return false;
    }
    return true;
  }

  /** {@code ValidateHTTPHeaderOperationName}: request remove, all response operations. */
  private static boolean checkOperationName(Node at, String name) {
    if (name.isEmpty()) {
      at.error("header name cannot be empty");
      return false;
    }
    if (name.equalsIgnoreCase("host")) {
      at.error("invalid header " + Quoting.quote(name) + ": cannot set Host header");
      return false;
    }
    if (name.startsWith(":")) {
      at.error("invalid header " + Quoting.quote(name) + ": header cannot have \":\" prefix");
      return false;
    }
    return true;
  }

  /**
   * {@code ValidateHTTPHeaderValue}: no control characters but TAB, and a valid Envoy format
   * string ({@code %VAR%}, {@code %VAR(arg)%}, {@code %%} for a literal percent).
   */
  static boolean checkValue(Node at, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        at.error("header value configuration " + Quoting.escape(value) + " is invalid");
        return false;
      }
    }
    String why = envoyFormatProblem(value);
    if (why != null) {
      at.error("header value configuration: " + why);
      return false;
    }
    return true;
  }

  /** The parser states of Envoy's {@code HeaderParser} (Istio's {@code validateHeaderValue}). */
  private enum State {
    LITERAL, VARIABLE_NAME, EXPECT_ARRAY, EXPECT_STRING, STRING, EXPECT_DELIMITER_OR_END,
    EXPECT_ARGS_END, EXPECT_VARIABLE_END
  }

  /** Why a header value is not a valid Envoy format string, or null. */
  static @Nullable String envoyFormatProblem(String value) {
    State state = State.LITERAL;
    for (int pos = 0; pos < value.length(); pos++) {
      char ch = value.charAt(pos);
      boolean hasNext = pos + 1 < value.length();
      switch (state) {
        case LITERAL -> {
          if (ch == '%') {
            if (!hasNext) {
              return "invalid header configuration. Un-escaped %";
            }
            if (value.charAt(pos + 1) == '%') {
              pos++; // "%%" is a literal '%'
            } else {
              state = State.VARIABLE_NAME;
            }
          }
        }
        case VARIABLE_NAME -> {
          if (ch == '%') {
            state = State.LITERAL;
          } else if (ch == '(') {
            state = State.EXPECT_ARRAY;
          }
        }
        case EXPECT_ARRAY -> {
          if (ch == '[') {
            state = State.EXPECT_STRING;
          } else if (ch != ' ') {
            state = State.STRING;
          }
        }
        case EXPECT_DELIMITER_OR_END -> {
          if (ch == ',') {
            state = State.EXPECT_STRING;
          } else if (ch == ']') {
            state = State.EXPECT_ARGS_END;
          } else if (ch != ' ') {
            return "invalid header configuration. Expecting ',', ']', or whitespace";
          }
        }
        case EXPECT_STRING -> {
          if (ch == '"') {
            state = State.STRING;
          } else if (ch != ' ') {
            return "invalid header configuration. Expecting '\"'";
          }
        }
        case STRING -> {
          if (ch == '\\') {
            if (!hasNext) {
              return "invalid header configuration. Un-terminated backslash in JSON string";
            }
            pos++;
          } else if (ch == ')') {
            state = State.EXPECT_VARIABLE_END;
          } else if (ch == '"') {
            state = State.EXPECT_DELIMITER_OR_END;
          }
        }
        case EXPECT_ARGS_END -> {
          if (ch == ')') {
            state = State.EXPECT_VARIABLE_END;
          } else if (ch != ' ') {
            return "invalid header configuration. Expecting ')' or whitespace";
          }
        }
        case EXPECT_VARIABLE_END -> {
          if (ch == '%') {
            state = State.LITERAL;
          } else if (ch != ' ') {
            return "invalid header configuration. Expecting '%' or whitespace after";
          }
        }
        default -> throw new AssertionError(state);
      }
    }
    return state == State.LITERAL ? null
        : "invalid header configuration. Un-terminated variable expression " + Quoting.quote(value);
  }

  /**
   * Istio's {@code validateAuthorityRewrite}: the authority may be rewritten in one place only,
   * among {@code rewrite.authority} and the route-level request {@code set}/{@code add} of
   * {@code host} or {@code :authority}. Empty values do not count.
   */
  static void checkAuthorityRewrite(Node route) {
    String current = route.get("rewrite").isObject() ? route.get("rewrite").text("authority") : "";
    Node request = route.get("headers").isObject() ? route.get("headers").get("request") : null;
    if (request == null || !request.isObject()) {
      return;
    }
    for (String op : List.of("set", "add")) {
      Node ops = request.get(op);
      if (!ops.isObject()) {
        continue;
      }
      for (Map.Entry<String, Node> e : ops.entries().entrySet()) {
        if (!isAuthority(e.getKey())) {
          continue;
        }
        String v = e.getValue().asString();
        if (!current.isEmpty()) {
          e.getValue().error("authority header cannot be set multiple times: have " + Quoting.quote(current)
              + ", attempting to set " + Quoting.quote(v));
          return;
        }
        current = v == null ? "" : v;
      }
    }
  }
}
