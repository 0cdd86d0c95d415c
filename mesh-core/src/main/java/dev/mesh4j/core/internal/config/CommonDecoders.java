package dev.mesh4j.core.internal.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.HeaderOperations;
import dev.mesh4j.api.config.Headers;
import dev.mesh4j.api.config.StringMatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Decoders for the parts several kinds share. Stateless. */
final class CommonDecoders {
  private CommonDecoders() {}

  static final int MAX_PORT = 65535;

  /**
   * A StringMatch. {@code presenceAllowed}: in header and query matches an empty StringMatch
   * and {@code regex: "*"} mean "present".
   */
  static @Nullable StringMatch stringMatch(Node n, boolean presenceAllowed) {
    if (!n.expectObject()) {
      return null;
    }
    List<StringMatch> found = new ArrayList<>();
    String exact = n.string("exact");
    String prefix = n.string("prefix");
    String regex = n.string("regex");
    if (exact != null) {
      found.add(StringMatch.exact(exact));
    }
    if (prefix != null) {
      found.add(StringMatch.prefix(prefix));
    }
    if (regex != null) {
      if (presenceAllowed && regex.equals("*")) {
        found.add(StringMatch.present());
      } else {
        if (regex(n.get("regex"), regex) != null) {
          found.add(StringMatch.regex(regex));
        } else {
          return null;
        }
      }
    }
    if (found.size() > 1) {
      n.error("only one of exact, prefix and regex may be set");
      return null;
    }
    if (found.isEmpty()) {
      if (presenceAllowed) {
        return StringMatch.present();
      }
      n.error("one of exact, prefix or regex is required");
      return null;
    }
    return found.get(0);
  }

  /** Compiles an RE2 regex; records an error naming the problem if RE2 rejects it. */
  static @Nullable Pattern regex(Node at, String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      at.error("invalid RE2 regex \"" + regex + "\": " + e.getDescription());
      return null;
    }
  }

  /** A map of name to StringMatch (headers, withoutHeaders, queryParams). */
  static Map<String, StringMatch> stringMatchMap(Node n, boolean headerNames) {
    Map<String, StringMatch> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : n.entries().entrySet()) {
      String name = e.getKey();
      if (name.isEmpty()) {
        e.getValue().error("name must not be empty");
        continue;
      }
      if (headerNames && !name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
        e.getValue().error("header name must be lower case (\"" + name + "\")");
        continue;
      }
      StringMatch m = stringMatch(e.getValue(), true);
      if (m != null) {
        out.put(name, m);
      }
    }
    return out;
  }

  /** A {@code Destination}. */
  static @Nullable Destination destination(Node n) {
    if (n.isMissing()) {
      n.error("required field is missing");
      return null;
    }
    if (!n.expectObject()) {
      return null;
    }
    String host = n.requiredString("host");
    if (!host.isEmpty()) {
      String why = Hosts.invalidWildcardDomain(host, false);
      if (why != null) {
        n.get("host").error(why);
        host = "";
      }
    }
    String subset = n.string("subset");
    if (subset != null && !Hosts.isDns1123Label(subset)) {
      n.get("subset").error("subset name \"" + subset + "\" is not a valid DNS-1123 label");
      subset = null;
    }
    Integer port = portSelector(n.get("port"));
    return host.isEmpty() ? null : new Destination(host, subset, port);
  }

  /** A {@code PortSelector} ({@code {number: 9080}}). */
  static @Nullable Integer portSelector(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    return n.integer("number", 1, MAX_PORT);
  }

  /** A percentage ({@code {value: 12.5}}): 0..100. */
  static @Nullable Double percent(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    Node v = n.get("value");
    Double d = v.asDouble();
    if (d != null && (d < 0 || d > 100 || d.isNaN())) {
      v.error("percentage must be in range 0..100 (" + d + ")");
      return null;
    }
    return d == null ? 0.0 : d;
  }

  /** {@code headers: {request: …, response: …}}. */
  static Headers headers(Node n) {
    if (!n.expectObject()) {
      return Headers.NONE;
    }
    return new Headers(headerOperations(n.get("request")), headerOperations(n.get("response")));
  }

  private static HeaderOperations headerOperations(Node n) {
    if (!n.expectObject()) {
      return HeaderOperations.NONE;
    }
    Map<String, String> set = headerValues(n.get("set"));
    Map<String, String> add = headerValues(n.get("add"));
    List<String> remove = new ArrayList<>();
    for (Node r : n.get("remove").elements()) {
      String name = r.asString();
      if (name != null && validHeaderName(r, name)) {
        remove.add(name.toLowerCase(java.util.Locale.ROOT));
      }
    }
    return new HeaderOperations(set, add, remove);
  }

  private static Map<String, String> headerValues(Node n) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : n.entries().entrySet()) {
      String v = e.getValue().asString();
      if (v == null) {
        e.getValue().error("expected a string value");
        continue;
      }
      if (validHeaderName(e.getValue(), e.getKey())) {
        out.put(e.getKey().toLowerCase(java.util.Locale.ROOT), v);
      }
    }
    return out;
  }

  /** Header names are HTTP tokens; pseudo-headers cannot be manipulated. */
  static boolean validHeaderName(Node at, String name) {
    if (name.isEmpty()) {
      at.error("header name must not be empty");
      return false;
    }
    if (name.startsWith(":")) {
      at.error("pseudo-header \"" + name + "\" cannot be manipulated");
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token = c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
      if (!token) {
        at.error("invalid header name \"" + name + "\"");
        return false;
      }
    }
    return true;
  }

  /** {@code exportTo}: {@code "."}, {@code "*"} or namespace names. */
  static List<String> exportTo(Node n) {
    List<String> out = new ArrayList<>();
    for (Node e : n.elements()) {
      String s = e.asString();
      if (s == null) {
        continue;
      }
      if (!s.equals(".") && !s.equals("*") && !Hosts.isDns1123Label(s)) {
        e.error("exportTo \"" + s + "\" must be \".\", \"*\" or a namespace name");
        continue;
      }
      if (out.contains(s)) {
        e.error("duplicate exportTo entry \"" + s + "\"");
        continue;
      }
      out.add(s);
    }
    if (out.contains("*") && out.size() > 1) {
      n.error("exportTo \"*\" cannot be combined with other entries");
    }
    return out;
  }

  /** Label maps (sourceLabels, subset labels, selectors): Kubernetes label syntax. */
  static Map<String, String> labels(Node n) {
    Map<String, String> labels = n.asStringMap();
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!validLabelKey(e.getKey())) {
        n.error("invalid label key \"" + e.getKey() + "\"");
      } else if (!validLabelValue(e.getValue())) {
        n.error("invalid label value \"" + e.getValue() + "\" for key \"" + e.getKey() + "\"");
      }
    }
    return labels;
  }

  private static final java.util.regex.Pattern LABEL_NAME =
      java.util.regex.Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

  static boolean validLabelKey(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || Hosts.invalidFqdn(prefix, prefix) != null) {
        return false;
      }
    }
    return !name.isEmpty() && name.length() <= 63 && LABEL_NAME.matcher(name).matches();
  }

  static boolean validLabelValue(String value) {
    return value.length() <= 63 && LABEL_NAME.matcher(value).matches();
  }
}
