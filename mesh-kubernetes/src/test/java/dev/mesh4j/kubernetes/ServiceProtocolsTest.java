package dev.mesh4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Port protocols as istiod derives them from appProtocol and port names. */
class ServiceProtocolsTest {

  @ParameterizedTest(name = "{1} {2} appProtocol={3} -> {4}")
  @CsvSource(nullValues = "null", value = {
      "9080, http, TCP, null, HTTP",
      "9080, http-web, TCP, null, HTTP",
      "9080, HTTP2-api, TCP, null, HTTP2",
      "9080, grpc, TCP, null, GRPC",
      "9080, grpc-web, TCP, null, GRPC-WEB",
      "9080, grpc-web-ui, TCP, null, GRPC-WEB",
      "443, https, TCP, null, HTTPS",
      "443, tls-passthrough, TCP, null, TLS",
      "9000, tcp-db, TCP, null, TCP",
      "27017, mongo, TCP, null, MONGO",
      "6379, redis, TCP, null, REDIS",
      "9080, web, TCP, null, ''",
      "9080, null, TCP, null, ''",
      "3306, null, TCP, null, TCP",
      "53, dns, UDP, null, UDP",
      "9080, http, UDP, null, UDP",
      "9080, web, TCP, http, HTTP",
      "9080, http, TCP, grpc, GRPC",
      "9080, web, TCP, kubernetes.io/h2c, HTTP2",
      "9080, web, TCP, kubernetes.io/ws, HTTP",
      "9080, web, TCP, kubernetes.io/wss, HTTPS",
      "9080, http, TCP, custom.io/thing, ''",
  })
  void protocol(int port, String name, String transport, String appProtocol, String expected) {
    assertThat(ServiceProtocols.of(port, name, transport, appProtocol)).isEqualTo(expected);
  }
}
