package dev.mesh4j.core.internal.config;

import static dev.mesh4j.core.internal.config.ManifestWriter.putInt;
import static dev.mesh4j.core.internal.config.ManifestWriter.putMap;
import static dev.mesh4j.core.internal.config.ManifestWriter.putString;
import static dev.mesh4j.core.internal.config.ManifestWriter.putStrings;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mesh4j.api.config.L4MatchAttributes;
import dev.mesh4j.api.config.RouteDestination;
import dev.mesh4j.api.config.TcpRoute;
import dev.mesh4j.api.config.TlsMatchAttributes;
import dev.mesh4j.api.config.TlsRoute;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@code TLSRoute}s and {@code TCPRoute}s for {@link ManifestWriter}, in the form
 * {@link L4RouteRules} reads. Stateless.
 */
final class L4RouteWriter {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private L4RouteWriter() {}

  static ObjectNode tls(TlsRoute r) {
    ObjectNode out = JSON.objectNode();
    if (!r.match().isEmpty()) {
      ArrayNode match = out.putArray("match");
      for (TlsMatchAttributes m : r.match()) {
        ObjectNode o = match.addObject();
        putStrings(o, "sniHosts", m.sniHosts());
        l4(o, m.destinationSubnets(), m.port(), m.sourceLabels(), m.gateways(), m.sourceNamespace());
      }
    }
    route(out, r.route());
    return out;
  }

  static ObjectNode tcp(TcpRoute r) {
    ObjectNode out = JSON.objectNode();
    if (!r.match().isEmpty()) {
      ArrayNode match = out.putArray("match");
      for (L4MatchAttributes m : r.match()) {
        l4(match.addObject(), m.destinationSubnets(), m.port(), m.sourceLabels(), m.gateways(), m.sourceNamespace());
      }
    }
    route(out, r.route());
    return out;
  }

  private static void l4(ObjectNode o, List<String> subnets, @Nullable Integer port, Map<String, String> labels,
      List<String> gateways, @Nullable String sourceNamespace) {
    putStrings(o, "destinationSubnets", subnets);
    putInt(o, "port", port);
    putMap(o, "sourceLabels", labels);
    putStrings(o, "gateways", gateways);
    putString(o, "sourceNamespace", sourceNamespace);
  }

  private static void route(ObjectNode out, List<RouteDestination> route) {
    if (route.isEmpty()) {
      return;
    }
    ArrayNode array = out.putArray("route");
    for (RouteDestination d : route) {
      ObjectNode o = array.addObject();
      o.set("destination", HttpRouteWriter.destination(d.destination()));
      putInt(o, "weight", d.weight());
    }
  }
}
