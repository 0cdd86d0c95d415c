package dev.mesh4j.api.spi;

import dev.mesh4j.api.config.MeshConfig;

/**
 * Reads Istio manifests (YAML or JSON) into resources, validated as mesh4j validates every
 * configuration. mesh-core provides it; {@link MeshConfig#fromYaml} finds it with
 * {@link java.util.ServiceLoader}. Implementations are thread-safe.
 */
public interface ManifestDecoder {

  /**
   * Reads every document of {@code text}, as {@code kubectl apply -f} reads a file. Documents
   * without {@code metadata.namespace} keep their namespace unset: it becomes the namespace of
   * the workload the configuration is applied to.
   *
   * @param name how problems name the text ({@code name#document field.path: message})
   * @throws dev.mesh4j.api.config.MeshConfigException listing every problem, if any is an error
   */
  MeshConfig decode(String name, String text);
}
