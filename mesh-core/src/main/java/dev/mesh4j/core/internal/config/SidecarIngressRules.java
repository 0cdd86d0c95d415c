package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Quoting;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a Sidecar's {@code ingress} listeners as Istio's {@code ValidateSidecar} does (port,
 * bind, {@code defaultEndpoint}, server TLS as {@code validateTLSOptions}, connection pool).
 * Ingress listeners configure the proxy in front of a workload's server; an in-process client has
 * no use for them, so they are validated only.
 */
final class SidecarIngressRules {
  private SidecarIngressRules() {}

  private static final Set<String> LOOPBACK_HOSTS = Set.of("", "127.0.0.1", "0.0.0.0", "::1", "::");

  static void check(List<Node> ingress) {
    Set<Long> ports = new HashSet<>();
    for (Node i : ingress) {
      if (i.isMissing()) {
        i.error("sidecar: ingress may not be null");
        continue;
      }
      if (!i.expectObject()) {
        continue;
      }
      Node port = i.get("port");
      if (port.isMissing()) {
        port.error("sidecar: port is required for ingress listeners");
        continue;
      }
      if (!port.expectObject()) {
        continue;
      }
      long number = SidecarDecoder.checkPort(port, false);
      String bind = i.text("bind");
      if (!bind.isEmpty() && !Hosts.isIp(bind)) {
        i.get("bind").error(Quoting.escape(bind) + " is not a valid IP");
      }
      if (!ports.add(number)) {
        port.get("number").error("sidecar: ports on IP bound listeners must be unique");
      }
      i.get("captureMode").asString();
      checkDefaultEndpoint(i.get("defaultEndpoint"));
      Ports.Protocol protocol = Ports.parseProtocol(port.text("protocol"));
      Node tls = i.get("tls");
      if (tls.expectObject()) {
        checkTls(tls, protocol);
      }
      Node pool = i.get("connectionPool");
      TrafficPolicyDecoder.connectionPool(pool);
      if (pool.isObject() && !pool.get("http").isMissing()
          && (protocol == null || !protocol.isHttp())) {
        pool.get("http").warn("sidecar: HTTP connection pool settings are configured for port "
            + number + " (" + Quoting.quote(port.text("name")) + ") but its protocol is not HTTP ("
            + Quoting.escape(port.text("protocol")) + "); only TCP settings will apply");
      }
    }
  }

  /** {@code 127.0.0.1:<port>}, {@code 0.0.0.0:<port>}, {@code [::1]:<port>}, {@code [::]:<port>} or a unix socket. */
  private static void checkDefaultEndpoint(Node n) {
    String ep = n.asString();
    if (ep == null || ep.isEmpty()) {
      return;
    }
    if (ep.startsWith(Ports.UNIX_PREFIX)) {
      String why = Ports.validateUnixAddress(ep.substring(Ports.UNIX_PREFIX.length()));
      if (why != null) {
        n.error(why);
      }
      return;
    }
    // Go's net.SplitHostPort: host:port, with an IPv6 host in brackets.
    String host;
    String port;
    int colon = ep.lastIndexOf(':');
    if (colon < 0) {
      n.error("address " + Quoting.escape(ep) + ": missing port in address");
      return;
    }
    if (ep.startsWith("[")) {
      int close = ep.indexOf(']');
      if (close < 0 || close + 1 != colon) {
        n.error("address " + Quoting.escape(ep) + ": missing ']' in address");
        return;
      }
      host = ep.substring(1, close);
    } else {
      host = ep.substring(0, colon);
      if (host.contains(":")) {
        n.error("address " + Quoting.escape(ep) + ": too many colons in address");
        return;
      }
    }
    port = ep.substring(colon + 1);
    if (!LOOPBACK_HOSTS.contains(host)) {
      n.error("sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,"
          + "[::1]:port,[::]:port,unix://filepath or unset");
    }
    if (!port.matches("[+-]?[0-9]{1,9}")) {
      n.error("sidecar: defaultEndpoint port (" + port + ") is not a number");
    } else {
      String why = Ports.validatePort(Long.parseLong(port.startsWith("+") ? port.substring(1) : port));
      if (why != null) {
        n.error(why);
      }
    }
  }

  /** Server TLS on an ingress listener, as Istio's Sidecar checks plus {@code validateTLSOptions}. */
  private static void checkTls(Node tls, Ports.Protocol protocol) {
    if (!tls.get("subjectAltNames").elements().isEmpty()) {
      tls.get("subjectAltNames").error("sidecar: subjectAltNames is not supported in ingress tls");
    }
    if (Boolean.TRUE.equals(tls.bool("httpsRedirect"))) {
      tls.get("httpsRedirect").error("sidecar: httpsRedirect is not supported");
    }
    String credential = tls.text("credentialName");
    if (!credential.isEmpty()) {
      tls.get("credentialName").error("sidecar: credentialName is not currently supported");
    }
    boolean credentialNames = !tls.get("credentialNames").elements().isEmpty();
    if (credentialNames) {
      tls.get("credentialNames").error("sidecar: credentialNames is not currently supported");
    }
    List<Node> certificates = tls.get("tlsCertificates").elements();
    if (!certificates.isEmpty()) {
      tls.get("tlsCertificates").error("sidecar: tls_certificates is not currently supported");
    }
    String mode = tls.text("mode");
    if (mode.equals("ISTIO_MUTUAL") || mode.equals("AUTO_PASSTHROUGH")) {
      tls.get("mode").error("configuration is invalid: cannot set mode to " + mode
          + " in sidecar ingress tls");
    }
    if (protocol == null || !protocol.isTls()) {
      tls.error("server cannot have TLS settings for non HTTPS/TLS ports");
    }
    String cert = tls.text("serverCertificate");
    String key = tls.text("privateKey");
    String ca = tls.text("caCertificates");
    String crl = tls.text("caCrl");
    if (mode.equals("ISTIO_MUTUAL")) {
      tls.markAllRead();
      return;
    }
    int sources = (!cert.isEmpty() && !key.isEmpty() ? 1 : 0) + (credential.isEmpty() ? 0 : 1)
        + (credentialNames ? 1 : 0) + (certificates.isEmpty() ? 0 : 1);
    if (sources > 1) {
      tls.error("only one of credential_name, credential_names, server_certificate/private_key, "
          + "tls_certificates should be specified");
    }
    boolean terminating = mode.equals("SIMPLE") || mode.equals("MUTUAL") || mode.equals("OPTIONAL_MUTUAL");
    if (terminating && credential.isEmpty() && !credentialNames) {
      String prefix = mode.equals("SIMPLE") ? "SIMPLE TLS" : "MUTUAL TLS";
      if (!mode.equals("SIMPLE") && ca.isEmpty()) {
        tls.error(prefix + " requires a client CA bundle");
      }
      if (certificates.isEmpty()) {
        if (cert.isEmpty()) {
          tls.error(prefix + " requires a server certificate");
        }
        if (key.isEmpty()) {
          tls.error(prefix + " requires a private key");
        }
      }
    }
    if (!crl.isEmpty() && !credential.isEmpty()) {
      tls.error("CRL is not supported with credentialName. CRL has to be specified in the credential");
    }
    if (!crl.isEmpty() && mode.equals("SIMPLE")) {
      tls.error("CRL is not supported with SIMPLE TLS");
    }
    // The remaining server TLS options (versions, ciphers, SPKI pins) only shape a listener.
    tls.markAllRead();
  }
}
