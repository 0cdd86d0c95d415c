package dev.mesh4j.core.explain;

import java.util.List;
import java.util.Locale;

/** Text and JSON renderings of an {@link Explanation}. */
final class ExplanationText {
  private ExplanationText() {}

  static String render(Explanation e) {
    StringBuilder sb = new StringBuilder();
    sb.append("Request:          ").append(e.request()).append('\n');
    sb.append("Service:          ").append(e.service() == null ? "(unknown host)" : e.service() + ":" + e.port()).append('\n');
    if (e.virtualService() != null) {
      sb.append("VirtualService:   ").append(e.virtualService()).append('\n');
      for (Explanation.RouteCheck r : e.routes()) {
        sb.append("   ").append(r.matched() ? "* " : "  ").append(r.route()).append(": ").append(r.reason()).append('\n');
      }
    }
    if (e.route() != null) {
      sb.append("Route:            ").append(e.route()).append('\n');
    }
    if (!e.candidates().isEmpty()) {
      sb.append("Destinations:\n");
      for (Explanation.Candidate c : e.candidates()) {
        sb.append("   ").append(c.picked() ? "-> " : "   ").append(c.destination())
            .append("  weight ").append(c.weight())
            .append(String.format(Locale.ROOT, " (%.1f%%)", c.percent()))
            .append("  ").append(c.cluster()).append('\n');
      }
    }
    if (e.cluster() != null) {
      sb.append("Cluster:          ").append(e.cluster()).append('\n');
    }
    for (Explanation.Policy p : e.policies()) {
      sb.append(String.format(Locale.ROOT, "   %-16s %s%n", p.name() + ":", p.value()));
    }
    if (!e.endpoints().isEmpty()) {
      sb.append("Endpoints:\n");
      for (Explanation.EndpointView ep : e.endpoints()) {
        sb.append("   ").append(ep.address()).append(' ').append(ep.labels())
            .append(ep.weight() == 1 ? "" : " weight " + ep.weight())
            .append(ep.healthy() ? " healthy" : " EJECTED")
            .append(ep.activeRequests() == 0 ? "" : " active " + ep.activeRequests()).append('\n');
      }
    }
    Explanation.Outcome o = e.outcome();
    sb.append("Outcome:          ").append(o.detail());
    if (o.kind() == Explanation.Outcome.Kind.LOCAL_REPLY) {
      sb.append(" [").append(o.status());
      if (!o.flags().isEmpty()) {
        sb.append(' ').append(o.flags());
      }
      if (!o.body().isEmpty()) {
        sb.append(" \"").append(o.body()).append('"');
      }
      sb.append(']');
    }
    sb.append('\n');
    for (String n : e.notes()) {
      sb.append("Note: ").append(n).append('\n');
    }
    return sb.toString();
  }

  static String json(Explanation e) {
    StringBuilder sb = new StringBuilder("{");
    field(sb, "request", e.request()).append(',');
    sb.append("\"snapshotVersion\":").append(e.snapshotVersion()).append(',');
    field(sb, "service", e.service()).append(',');
    sb.append("\"port\":").append(e.port()).append(',');
    field(sb, "virtualService", e.virtualService()).append(',');
    sb.append("\"routes\":[");
    join(sb, e.routes(), r -> {
      sb.append('{');
      field(sb, "route", r.route()).append(",\"matched\":").append(r.matched()).append(',');
      field(sb, "reason", r.reason()).append('}');
    });
    sb.append("],");
    field(sb, "route", e.route()).append(',');
    sb.append("\"candidates\":[");
    join(sb, e.candidates(), c -> {
      sb.append('{');
      field(sb, "destination", c.destination()).append(",\"weight\":").append(c.weight())
          .append(",\"percent\":").append(c.percent()).append(",\"picked\":").append(c.picked()).append(',');
      field(sb, "cluster", c.cluster()).append('}');
    });
    sb.append("],");
    field(sb, "cluster", e.cluster()).append(',');
    sb.append("\"policies\":{");
    join(sb, e.policies(), p -> field(sb, p.name(), p.value()));
    sb.append("},\"endpoints\":[");
    join(sb, e.endpoints(), ep -> {
      sb.append('{');
      field(sb, "address", ep.address()).append(',');
      field(sb, "labels", ep.labels()).append(",\"weight\":").append(ep.weight())
          .append(",\"healthy\":").append(ep.healthy()).append(",\"activeRequests\":")
          .append(ep.activeRequests()).append('}');
    });
    sb.append("],\"outcome\":{");
    Explanation.Outcome o = e.outcome();
    field(sb, "kind", o.kind().name()).append(",\"status\":").append(o.status()).append(',');
    field(sb, "flags", o.flags()).append(',');
    field(sb, "body", o.body()).append(',');
    field(sb, "detail", o.detail()).append("},\"notes\":[");
    join(sb, e.notes(), n -> quote(sb, n));
    return sb.append("]}").toString();
  }

  private static <T> void join(StringBuilder sb, List<T> items, java.util.function.Consumer<T> each) {
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      each.accept(items.get(i));
    }
  }

  private static StringBuilder field(StringBuilder sb, String name, String value) {
    quote(sb, name);
    sb.append(':');
    if (value == null) {
      return sb.append("null");
    }
    return quote(sb, value);
  }

  private static StringBuilder quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }
}
