package dev.mesh4j.spring.autoconfigure;

import dev.mesh4j.core.Mesh;

/**
 * Adjusts the {@link Mesh.Builder} the starter fills from {@code mesh.*} properties, before the
 * mesh is built — for settings that have no property (a {@code DnsResolver}, a
 * {@code RandomSource}, more config sources). Beans of this type are applied in order.
 */
@FunctionalInterface
public interface MeshBuilderCustomizer {

  /** Adjusts the builder. */
  void customize(Mesh.Builder builder);
}
