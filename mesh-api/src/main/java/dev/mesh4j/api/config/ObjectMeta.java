package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Kubernetes metadata of a resource, plus where mesh4j read it from.
 *
 * @param name {@code metadata.name}
 * @param namespace {@code metadata.namespace}, or the workload's namespace when the document had
 *     none
 * @param labels {@code metadata.labels}
 * @param annotations {@code metadata.annotations}
 * @param creationTimestamp {@code metadata.creationTimestamp}, used to order conflicting
 *     resources as Istio does (oldest first)
 * @param origin the file and document this resource came from (not a Kubernetes field)
 */
public record ObjectMeta(
    String name,
    String namespace,
    Map<String, String> labels,
    Map<String, String> annotations,
    @Nullable Instant creationTimestamp,
    ConfigOrigin origin) {

  public ObjectMeta {
    requireNonNull(name, "name");
    requireNonNull(namespace, "namespace");
    labels = Copies.map(labels);
    annotations = Copies.map(annotations);
    requireNonNull(origin, "origin");
  }

  /** Metadata for a resource built in code. */
  public static ObjectMeta of(String name, String namespace) {
    return new ObjectMeta(name, namespace, Map.of(), Map.of(), null, ConfigOrigin.PROGRAMMATIC);
  }

  /** {@code namespace/name}, the way Istio names a config in its messages. */
  public String qualifiedName() {
    return namespace + "/" + name;
  }
}
