package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.spi.ManifestDecoder;
import java.util.List;

/**
 * mesh-core's manifest reader for {@link MeshConfig#fromYaml}: the same parser and validation as
 * every other source, the namespace of documents without one left unset. Thread-safe.
 */
public final class CoreManifestDecoder implements ManifestDecoder {
  @Override
  public MeshConfig decode(String name, String text) {
    return ConfigLoader.load(List.of(ConfigSource.yaml(name, text)), "");
  }
}
