package dev.mesh4j.api.config;

import java.util.List;

/** A networking resource mesh4j reads: what all kinds have in common. */
public sealed interface IstioResource
    permits VirtualService, DestinationRule, ServiceEntry, WorkloadEntry, Sidecar, Gateway {

  /** The resource's {@code kind}, e.g. {@code VirtualService}. */
  default String kind() {
    return getClass().getSimpleName();
  }

  /** The resource's metadata and origin. */
  ObjectMeta metadata();

  /**
   * The namespaces this resource is visible to ({@code spec.exportTo}); empty means all
   * ({@code "*"}), {@code "."} means its own namespace only. Kinds without {@code exportTo}
   * return an empty list.
   */
  default List<String> exportTo() {
    return List.of();
  }
}
