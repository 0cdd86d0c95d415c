package dev.mesh4j.api.spi;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.IstioResource;

/**
 * Names one Istio resource within a source: its {@code kind}, namespace and name, as
 * {@code kubectl} names an object. A source that delivers changes one resource at a time uses it
 * to replace or delete what it delivered before under the same key.
 *
 * @param kind the resource's kind, e.g. {@code VirtualService}
 * @param namespace the namespace; empty for "the workload's namespace", as a manifest without
 *     {@code metadata.namespace}
 * @param name the resource's name
 */
public record ResourceKey(String kind, String namespace, String name) {

  public ResourceKey {
    requireNonNull(kind, "kind");
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
  }

  /** The key of a resource. */
  public static ResourceKey of(IstioResource resource) {
    requireNonNull(resource, "resource");
    return new ResourceKey(resource.kind(), resource.metadata().namespace(), resource.metadata().name());
  }

  /** {@code VirtualService default/reviews}. */
  @Override
  public String toString() {
    return kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}
