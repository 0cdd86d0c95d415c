package dev.mesh4j.core.internal.routing;

import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.StringMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Compiles one {@link HttpMatchRequest} into request-time conditions. */
final class MatchCompiler {
  private MatchCompiler() {}

  static CompiledMatch compile(CompiledRoute route, int index, HttpMatchRequest m) {
    List<Condition> c = new ArrayList<>();
    if (m.port() != null) {
      c.add(new Conditions.Port(m.port()));
    }
    if (m.method() != null) {
      c.add(new Conditions.OnAttribute(Conditions.Attribute.METHOD, StringMatcher.of(m.method())));
    }
    if (m.scheme() != null) {
      c.add(new Conditions.OnAttribute(Conditions.Attribute.SCHEME, StringMatcher.of(m.scheme())));
    }
    if (m.authority() != null) {
      c.add(new Conditions.OnAttribute(Conditions.Attribute.AUTHORITY, StringMatcher.of(m.authority())));
    }
    if (m.uri() != null) {
      c.add(new Conditions.OnAttribute(Conditions.Attribute.PATH,
          StringMatcher.of(m.uri(), m.ignoreUriCase())));
    }
    for (Map.Entry<String, StringMatch> e : m.headers().entrySet()) {
      c.add(header(e.getKey(), StringMatcher.of(e.getValue()), false));
    }
    for (Map.Entry<String, StringMatch> e : m.withoutHeaders().entrySet()) {
      c.add(header(e.getKey(), StringMatcher.of(e.getValue()), true));
    }
    for (Map.Entry<String, StringMatch> e : m.queryParams().entrySet()) {
      c.add(new Conditions.QueryParam(e.getKey(), StringMatcher.of(e.getValue())));
    }
    String uriValue = m.uri() == null ? "" : m.uri().value();
    return new CompiledMatch(route, index, m.name(), c, RouteCompiler.uriKind(m), uriValue);
  }

  private static Condition header(String name, StringMatcher matcher, boolean inverted) {
    Conditions.Attribute pseudo = switch (name) {
      case ":authority", "host" -> Conditions.Attribute.AUTHORITY;
      case ":method" -> Conditions.Attribute.METHOD;
      case ":scheme" -> Conditions.Attribute.SCHEME;
      case ":path" -> Conditions.Attribute.PATH_AND_QUERY;
      default -> null;
    };
    if (pseudo != null) {
      return new Conditions.PseudoHeader(pseudo, name, matcher, inverted);
    }
    return inverted ? new Conditions.WithoutHeader(name, matcher) : new Conditions.Header(name, matcher);
  }
}
