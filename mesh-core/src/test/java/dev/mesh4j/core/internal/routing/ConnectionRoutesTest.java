package dev.mesh4j.core.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.HttpRoute;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Envoy's filter chain match over a VirtualService's tls and tcp routes. */
class ConnectionRoutesTest {
  static CompiledMatch match(String label) {
    CompiledRoute route = new CompiledRoute(null, label, HttpRoute.builder().route(Destination.of("x")).build());
    CompiledMatch m = new CompiledMatch(route, 0, null, List.of(), null, "");
    route.addMatch(m);
    return m;
  }

  @Test
  void tlsTakesTheExactNameThenTheLongestWildcardThenTheFirst() {
    CompiledMatch any = match("tls[0]");
    CompiledMatch eu = match("tls[1]");
    CompiledMatch pay = match("tls[2]");
    CompiledMatch euAgain = match("tls[3]");
    CompiledMatch star = match("tls[4]");
    ConnectionRoutes routes = new ConnectionRoutes(List.of(
        new ConnectionRoutes.TlsEntry(null, List.of("*.shop.test"), List.of(), any),
        new ConnectionRoutes.TlsEntry(443, List.of("*.eu.shop.test"), List.of(), eu),
        new ConnectionRoutes.TlsEntry(null, List.of("pay.eu.shop.test"), List.of(), pay),
        new ConnectionRoutes.TlsEntry(null, List.of("*.eu.shop.test"), List.of(), euAgain),
        new ConnectionRoutes.TlsEntry(8443, List.of("*"), List.of(), star)), List.of());
    assertThat(routes.tls("web.shop.test", 443)).isSameAs(any);
    assertThat(routes.tls("cart.eu.shop.test", 443)).isSameAs(eu);
    assertThat(routes.tls("cart.eu.shop.test", 8443)).as("tls[1] is for 443 only").isSameAs(euAgain);
    assertThat(routes.tls("PAY.EU.shop.test.", 443)).isSameAs(pay);
    assertThat(routes.tls("shop.test", 443)).as("a wildcard needs a label before its suffix").isNull();
    assertThat(routes.tls("other.test", 443)).isNull();
    assertThat(routes.tls("other.test", 8443)).isSameAs(star);
    assertThat(routes.hasTls(443)).isTrue();
    assertThat(new ConnectionRoutes(List.of(new ConnectionRoutes.TlsEntry(8443, List.of("a.test"), List.of(),
        any)), List.of()).hasTls(443)).isFalse();
  }

  @Test
  void tcpTakesTheMostSpecificSubnetOfAnAddressElseThePortsCatchAll() {
    CompiledMatch wide = match("tcp[0]");
    CompiledMatch narrow = match("tcp[1]");
    CompiledMatch v6 = match("tcp[2]");
    CompiledMatch rest = match("tcp[3]");
    CompiledMatch shadowed = match("tcp[4]");
    CompiledMatch other = match("tcp[5]");
    ConnectionRoutes routes = new ConnectionRoutes(List.of(), List.of(
        new ConnectionRoutes.TcpEntry(null, List.of("10.0.0.0/8"), wide),
        new ConnectionRoutes.TcpEntry(null, List.of("10.1.2.0/23", "192.168.0.1"), narrow),
        new ConnectionRoutes.TcpEntry(5432, List.of("fd00::/8"), v6),
        new ConnectionRoutes.TcpEntry(5432, List.of(), rest),
        new ConnectionRoutes.TcpEntry(5432, List.of("172.16.0.0/12"), shadowed),
        new ConnectionRoutes.TcpEntry(6432, List.of(), other)));
    assertThat(routes.tcp("10.9.9.9", 5432)).isSameAs(wide);
    assertThat(routes.tcp("10.1.3.255", 5432)).isSameAs(narrow);
    assertThat(routes.tcp("10.1.4.0", 5432)).isSameAs(wide);
    assertThat(routes.tcp("192.168.0.1", 5432)).isSameAs(narrow);
    assertThat(routes.tcp("fd12::1", 5432)).isSameAs(v6);
    assertThat(routes.tcp("fd12::1", 6432)).as("tcp[2] and tcp[3] are for 5432").isSameAs(other);
    assertThat(routes.tcp("fd12::1", 7432)).isNull();
    assertThat(routes.tcp("db.example.com", 5432)).as("a name is in no subnet").isSameAs(rest);
    assertThat(routes.tcp("172.16.0.1", 5432)).as("after the port's catch-all, istiod generates nothing")
        .isSameAs(rest);
  }
}
