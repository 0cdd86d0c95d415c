package dev.mesh4j.api.config;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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

  /** A builder pre-filled with this resource, e.g. to derive a copy in another namespace. */
  ResourceBuilder<? extends IstioResource> toBuilder();

  /**
   * What the builders of every kind offer ({@code VirtualService.builder(name)} and the like):
   * the metadata, and {@link #build()}. Code that handles resources of any kind uses it, for
   * example {@code resource.toBuilder().namespace("prod").build()}.
   *
   * <p>Builders are not thread-safe. {@link #build()} may be called again after further changes;
   * each call returns a new immutable resource. Builders do not validate: the mesh validates
   * resources built in code exactly as it validates YAML, with the same field paths.
   *
   * @param <R> the kind built
   */
  sealed interface ResourceBuilder<R extends IstioResource>
      permits VirtualService.Builder, DestinationRule.Builder, ServiceEntry.Builder,
          WorkloadEntry.Builder, Sidecar.Builder, Gateway.Builder {

    /** Sets the name ({@code metadata.name}). */
    ResourceBuilder<R> name(String name);

    /**
     * Sets the namespace ({@code metadata.namespace}); unset, the resource belongs to the
     * namespace of the workload the configuration is applied to.
     */
    ResourceBuilder<R> namespace(String namespace);

    /** Adds a label ({@code metadata.labels}). */
    ResourceBuilder<R> label(String name, String value);

    /** Adds labels ({@code metadata.labels}). */
    ResourceBuilder<R> labels(Map<String, String> labels);

    /** Adds an annotation ({@code metadata.annotations}). */
    ResourceBuilder<R> annotation(String name, String value);

    /** Adds annotations ({@code metadata.annotations}). */
    ResourceBuilder<R> annotations(Map<String, String> annotations);

    /** Sets the creation time ({@code metadata.creationTimestamp}); older wins conflicts. */
    ResourceBuilder<R> creationTimestamp(Instant creationTimestamp);

    /**
     * Sets the origin named in config problems; {@link ConfigOrigin#PROGRAMMATIC} unless set, which
     * names the resource by kind, namespace and name ({@code VirtualService default/reviews}).
     */
    ResourceBuilder<R> origin(ConfigOrigin origin);

    /** Replaces the whole metadata: name, namespace, labels, annotations, time and origin. */
    ResourceBuilder<R> metadata(ObjectMeta metadata);

    /** The resource as set so far. */
    R build();
  }
}
