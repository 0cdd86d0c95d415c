package dev.mesh4j.core.internal.routing;

import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.common.Quoting;
import org.jspecify.annotations.Nullable;

/** The condition kinds of an Istio HTTP match, with Envoy's semantics. */
final class Conditions {
  private Conditions() {}

  /** Which request attribute a string condition reads. */
  enum Attribute {
    PATH("uri"),
    SCHEME("scheme"),
    METHOD("method"),
    AUTHORITY("authority"),
    /** {@code :path} in a header match: the path with its query string, as sent. */
    PATH_AND_QUERY(":path");

    final String label;

    Attribute(String label) {
      this.label = label;
    }

    @Nullable String read(MeshRequest r) {
      return switch (this) {
        case PATH -> r.path();
        case SCHEME -> r.scheme();
        case METHOD -> r.method();
        case AUTHORITY -> r.authority();
        case PATH_AND_QUERY -> r.rawQuery() == null ? r.path() : r.path() + "?" + r.rawQuery();
      };
    }
  }

  /** {@code uri}, {@code scheme}, {@code method}, {@code authority}. */
  record OnAttribute(Attribute attribute, StringMatcher matcher) implements Condition {
    @Override
    public boolean test(MeshRequest request, int port) {
      String v = attribute.read(request);
      return v != null && matcher.matches(v);
    }

    @Override
    public String describe() {
      return attribute.label + ": " + matcher;
    }

    @Override
    public String actual(MeshRequest request, int port) {
      return Condition.shown(attribute.read(request));
    }
  }

  /** {@code headers.<name>}: absent never matches; values are joined with ",". */
  record Header(String name, StringMatcher matcher) implements Condition {
    @Override
    public boolean test(MeshRequest request, int port) {
      String v = request.header(name);
      return v != null && matcher.matches(v);
    }

    @Override
    public String describe() {
      return "header " + Quoting.escape(name) + ": " + matcher;
    }

    @Override
    public String actual(MeshRequest request, int port) {
      return Condition.shown(request.header(name));
    }
  }

  /**
   * {@code withoutHeaders.<name>}: the inverse. A presence form means "absent"; a value form
   * treats a missing header as empty (Envoy's {@code treat_missing_header_as_empty}).
   */
  record WithoutHeader(String name, StringMatcher matcher) implements Condition {
    @Override
    public boolean test(MeshRequest request, int port) {
      String v = request.header(name);
      if (matcher.isPresence()) {
        return v == null;
      }
      return !matcher.matches(v == null ? "" : v);
    }

    @Override
    public String describe() {
      return matcher.isPresence() ? "header " + Quoting.escape(name) + " absent" : "header " + Quoting.escape(name) + " not " + matcher;
    }

    @Override
    public String actual(MeshRequest request, int port) {
      return Condition.shown(request.header(name));
    }
  }

  /** A pseudo-header in {@code headers} ({@code :authority}, {@code :path}, …). */
  record PseudoHeader(Attribute attribute, String name, StringMatcher matcher, boolean inverted)
      implements Condition {
    @Override
    public boolean test(MeshRequest request, int port) {
      String v = attribute.read(request);
      boolean m = v != null && matcher.matches(v);
      return m != inverted;
    }

    @Override
    public String describe() {
      return "header " + Quoting.escape(name) + (inverted ? " not " : ": ") + matcher;
    }

    @Override
    public String actual(MeshRequest request, int port) {
      return Condition.shown(attribute.read(request));
    }
  }

  /** {@code queryParams.<name>}: the first raw value; {@code ""} for {@code ?name}. */
  record QueryParam(String name, StringMatcher matcher) implements Condition {
    @Override
    public boolean test(MeshRequest request, int port) {
      String v = request.queryParameter(name);
      return v != null && matcher.matches(v);
    }

    @Override
    public String describe() {
      return "query " + Quoting.escape(name) + ": " + matcher;
    }

    @Override
    public String actual(MeshRequest request, int port) {
      return Condition.shown(request.queryParameter(name));
    }
  }

  /** {@code port}: the service port the application addressed. */
  record Port(int expected) implements Condition {
    @Override
    public boolean test(MeshRequest request, int port) {
      return port == expected;
    }

    @Override
    public String describe() {
      return "port " + expected;
    }

    @Override
    public String actual(MeshRequest request, int port) {
      return Integer.toString(port);
    }
  }
}
