package dev.mesh4j.core.internal.source;

import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.Gateway;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.ServiceEntry;
import dev.mesh4j.api.config.Sidecar;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.config.WorkloadEntry;

/** Small operations on resources of any kind. */
final class Resources {
  private Resources() {}

  /**
   * The resource with its namespace set to {@code namespace} when it has none (an unset
   * namespace means the workload's, as for a manifest without {@code metadata.namespace}).
   */
  static IstioResource withDefaultNamespace(IstioResource r, String namespace) {
    ObjectMeta m = r.metadata();
    if (!m.namespace().isEmpty()) {
      return r;
    }
    ObjectMeta meta = new ObjectMeta(m.name(), namespace, m.labels(), m.annotations(), m.creationTimestamp(),
        m.origin());
    if (r instanceof VirtualService v) {
      return new VirtualService(meta, v.hosts(), v.gateways(), v.http(), v.exportTo());
    }
    if (r instanceof DestinationRule d) {
      return new DestinationRule(meta, d.host(), d.trafficPolicy(), d.subsets(), d.exportTo(), d.workloadSelector());
    }
    if (r instanceof ServiceEntry s) {
      return new ServiceEntry(meta, s.hosts(), s.addresses(), s.ports(), s.location(), s.resolution(), s.endpoints(),
          s.workloadSelector(), s.exportTo(), s.subjectAltNames());
    }
    if (r instanceof WorkloadEntry w) {
      return new WorkloadEntry(meta, w.spec());
    }
    if (r instanceof Sidecar s) {
      return new Sidecar(meta, s.workloadSelector(), s.egressHosts(), s.outboundTrafficPolicy());
    }
    Gateway g = (Gateway) r;
    return new Gateway(meta, g.selector(), g.servers());
  }
}
