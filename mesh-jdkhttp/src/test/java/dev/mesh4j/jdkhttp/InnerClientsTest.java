package dev.mesh4j.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The server name the JDK clients below the mesh send. */
class InnerClientsTest {

  @Test
  void aNameTheJdkCannotSendAsSniIsSentAsNoneRatherThanFailingTheRequest() {
    assertThat(InnerClients.serverName("web.shop.test").getAsciiName()).isEqualTo("web.shop.test");
    assertThat(InnerClients.serverName("my_service.test")).as("an underscore").isNull();
    assertThat(InnerClients.serverName("10.0.0.1")).as("an IP address").isNull();
    assertThat(InnerClients.serverName("2001:db8::1")).as("an IPv6 address").isNull();
    assertThat(InnerClients.serverName(null)).isNull();
  }
}
