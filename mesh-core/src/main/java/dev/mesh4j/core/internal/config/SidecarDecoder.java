package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.config.Sidecar;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a {@code Sidecar} spec, checked as Istio's {@code ValidateSidecar}. A client uses only
 * the egress hosts and the outbound traffic policy; the inbound parts (ingress listeners, inbound
 * connection pools) configure a proxy's listeners and are validated, then ignored.
 */
final class SidecarDecoder {
  private SidecarDecoder() {}

  static Sidecar decode(ObjectMeta meta, Node spec) {
    Node ws = spec.get("workloadSelector");
    Map<String, String> selector = Map.of();
    if (ws.expectObject()) {
      selector = CommonDecoders.selectorLabels(ws, ws.get("labels"), "sidecar: ");
    }
    List<Node> egress = spec.get("egress").elements();
    List<Node> ingress = spec.get("ingress").elements();
    Node otp = spec.get("outboundTrafficPolicy");
    Node inboundPool = spec.get("inboundConnectionPool");
    if (egress.isEmpty() && ingress.isEmpty() && otp.isMissing() && inboundPool.isMissing()) {
      spec.error("sidecar: empty configuration provided");
    }
    SidecarIngressRules.check(ingress);
    TrafficPolicyDecoder.connectionPool(inboundPool);
    List<String> egressHosts = egress(egress, meta.namespace());
    OutboundTrafficPolicy mode = outboundTrafficPolicy(otp);
    return new Sidecar(meta, selector, egressHosts, mode);
  }

  /**
   * Egress listeners: at most one without a port, and it comes last; ports (or unix socket binds)
   * unique; hosts {@code namespace/dnsName}.
   */
  private static List<String> egress(List<Node> listeners, String namespace) {
    List<String> out = new ArrayList<>();
    Set<Long> ports = new HashSet<>();
    Set<String> unixBinds = new HashSet<>();
    boolean catchAll = false;
    for (int i = 0; i < listeners.size(); i++) {
      Node e = listeners.get(i);
      if (e.isMissing()) {
        e.error("egress listener may not be null");
        continue;
      }
      if (!e.expectObject()) {
        continue;
      }
      Node port = e.get("port");
      String bind = e.text("bind");
      Node captureMode = e.get("captureMode");
      CaptureMode capture = captureMode.asEnum(CaptureMode.class);
      if (port.isMissing()) {
        if (catchAll) {
          e.error("sidecar: egress can have only one listener with empty port");
          continue;
        }
        if (i == listeners.size() - 1) {
          catchAll = true;
        } else {
          e.error("sidecar: the egress listener with empty port should be the last listener in the list");
        }
      } else if (port.expectObject()) {
        long number = checkPort(port, true);
        if (number == 0) {
          // Port 0 is a listener on a unix domain socket.
          if (!bind.startsWith(Ports.UNIX_PREFIX)) {
            e.get("bind").error("sidecar: ports with 0 value must have a unix domain socket bind address");
          } else {
            String why = Ports.validateUnixAddress(bind.substring(Ports.UNIX_PREFIX.length()));
            if (why != null) {
              e.get("bind").error(why);
            }
          }
          if (capture != null && capture != CaptureMode.DEFAULT && capture != CaptureMode.NONE) {
            captureMode.error("sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners");
          }
          if (!unixBinds.add(bind)) {
            e.get("bind").error("sidecar: unix domain socket values for listeners must be unique");
          }
        } else {
          if (!bind.isEmpty() && !Hosts.isIp(bind)) {
            e.get("bind").error(Quoting.escape(bind) + " is not a valid IP");
          }
          if (!ports.add(number)) {
            port.get("number").error("sidecar: ports on IP bound listeners must be unique");
          }
        }
        // mesh4j keeps one list of egress hosts for all ports.
        e.get("port").warn("egress listener ports are not distinguished by mesh4j: its hosts "
            + "apply to every port");
      }
      out.addAll(egressHosts(e.get("hosts"), namespace));
    }
    return out;
  }

  /** How traffic reaches a listener ({@code CaptureMode}). */
  private enum CaptureMode { DEFAULT, IPTABLES, NONE }

  /**
   * A {@code SidecarPort}: optional name (a DNS label), known protocol, no targetPort; the number
   * 1..65535, or 0 for a unix socket listener where {@code allowZero}. Returns the number.
   */
  static long checkPort(Node port, boolean allowZero) {
    String name = port.text("name");
    if (!name.isEmpty()) {
      Ports.checkPortName(port.get("name"), name);
    }
    Ports.checkProtocol(port.get("protocol"), port.text("protocol"));
    Long target = port.get("targetPort").asUint32();
    if (target != null && target > 0) {
      port.get("targetPort").error("targetPort has no impact on Sidecars");
    }
    Node numberNode = port.get("number");
    Long number = numberNode.asUint32();
    long n = number == null ? 0 : number;
    if (!(allowZero && n == 0) && Ports.validatePort(n) != null) {
      numberNode.error(Ports.validatePort(n));
    }
    return n;
  }

  /**
   * {@code namespace/dnsName} hosts ({@code ValidateNamespaceSlashWildcardHostname}): namespace
   * {@code *}, {@code .} or a name, optionally {@code ~}-prefixed to exclude; dnsName {@code *}
   * or a dotted name or wildcard, no partial wildcard. Duplicates are warnings. Invalid hosts are
   * kept as written, after their error.
   */
  private static List<String> egressHosts(Node hostsNode, String namespace) {
    List<String> hosts = hostsNode.asStringList();
    List<Node> nodes = hostsNode.elements();
    if (hosts.isEmpty()) {
      hostsNode.error("sidecar: egress listener must contain at least one host");
    }
    Map<String, Set<String>> imports = new LinkedHashMap<>();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < hosts.size() && i < nodes.size(); i++) {
      String h = hosts.get(i);
      Node at = nodes.get(i);
      out.add(h);
      int slash = h.indexOf('/');
      if (slash < 0) {
        at.error("host must be of form namespace/dnsName");
        continue;
      }
      String ns = h.substring(0, slash);
      String dns = h.substring(slash + 1);
      checkEgressHost(at, ns, dns);
      if (!ns.startsWith("~")) {
        warnDuplicate(at, h, imports.computeIfAbsent(ns.equals(".") ? namespace : ns,
            k -> new HashSet<>()), dns);
      }
    }
    Set<String> all = imports.get("*");
    if (all != null && all.contains("*") && imports.size() != 1) {
      hostsNode.warn("`*/*` host select all resources, no other hosts can be added");
    }
    return out;
  }

  private static void checkEgressHost(Node at, String ns, String dns) {
    if (ns.isEmpty() || dns.isEmpty()) {
      at.error("config namespace and dnsName in host entry cannot be empty");
    }
    String bare = ns.startsWith("~") ? ns.substring(1) : ns;
    if (!bare.isEmpty() && !bare.equals("*") && !bare.equals(".") && !Hosts.isDns1123Label(bare)) {
      at.error("invalid namespace value " + Quoting.quote(ns) + " in sidecar");
    }
    if (!dns.equals("*") && !dns.contains(".")) {
      at.error("short names (non FQDN) are not allowed");
    }
    String why = Hosts.validateWildcardDomain(dns);
    if (why != null) {
      at.error(why);
    }
    String partial = Hosts.validatePartialWildcard(dns);
    if (partial != null) {
      at.error(partial);
    }
  }

  /** {@code ns/host} after {@code ns/host} or {@code ns/*}, or {@code ns/*} after {@code ns/host}. */
  private static void warnDuplicate(Node at, String entry, Set<String> seen, String dns) {
    if (dns.equals("*") ? !seen.isEmpty() : seen.contains(dns) || seen.contains("*")) {
      at.warn("duplicated egress host: " + Quoting.escape(entry));
    }
    seen.add(dns);
  }

  /**
   * {@code outboundTrafficPolicy}: a mode ({@code REGISTRY_ONLY} when the policy is given without
   * one, the proto default) and an {@code egressProxy} only with {@code ALLOW_ANY}.
   * {@code ALLOW_ANY_DYNAMIC_DNS} is a mesh-wide setting only.
   */
  private static @org.jspecify.annotations.Nullable OutboundTrafficPolicy outboundTrafficPolicy(Node otp) {
    if (!otp.expectObject()) {
      return null;
    }
    Node modeNode = otp.get("mode");
    OutboundTrafficPolicy mode;
    if ("ALLOW_ANY_DYNAMIC_DNS".equals(modeNode.asString())) {
      modeNode.error("sidecar: ALLOW_ANY_DYNAMIC_DNS mode is only supported in MeshConfig, not in "
          + "Sidecar resource");
      return null;
    }
    mode = modeNode.isMissing() ? OutboundTrafficPolicy.REGISTRY_ONLY
        : modeNode.asEnum(OutboundTrafficPolicy.class);
    Node proxy = otp.get("egressProxy");
    if (proxy.expectObject()) {
      if (mode != OutboundTrafficPolicy.ALLOW_ANY) {
        proxy.error("sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode");
      } else {
        String why = Hosts.validateFqdn(proxy.text("host"));
        if (why != null) {
          proxy.get("host").error(why);
        }
        if (proxy.get("port").isMissing()) {
          proxy.get("port").error("sidecar: egress_proxy port must be non-nil");
        } else {
          CommonDecoders.destination(proxy, false);
        }
        proxy.warn("egressProxy is not applied by mesh4j: unknown hosts are passed through directly");
      }
      proxy.markAllRead();
    }
    return mode;
  }
}
