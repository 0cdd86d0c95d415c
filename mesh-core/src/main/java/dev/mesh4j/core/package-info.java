/**
 * mesh4j's entry point: {@link dev.mesh4j.core.Mesh}, built with {@code Mesh.builder()} from
 * Istio YAML and workload settings, and the {@link dev.mesh4j.core.ServiceRegistry} for
 * endpoints declared in code.
 */
@NullMarked
package dev.mesh4j.core;

import org.jspecify.annotations.NullMarked;
