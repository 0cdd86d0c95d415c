package dev.mesh4j.core.internal.source;

import dev.mesh4j.api.config.IstioResource;

/** Small operations on resources of any kind. */
final class Resources {
  private Resources() {}

  /**
   * The resource with its namespace set to {@code namespace} when it has none (an unset
   * namespace means the workload's, as for a manifest without {@code metadata.namespace}).
   */
  static IstioResource withDefaultNamespace(IstioResource r, String namespace) {
    return r.metadata().namespace().isEmpty() ? r.toBuilder().namespace(namespace).build() : r;
  }
}
