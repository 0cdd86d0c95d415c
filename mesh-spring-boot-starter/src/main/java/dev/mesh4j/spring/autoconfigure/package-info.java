/**
 * Spring Boot auto-configuration for mesh4j: {@link dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration} builds a
 * {@code Mesh} from {@code mesh.*} properties and the Istio manifests under
 * {@code mesh.config-locations}, with hot reload; {@code MeshPropertiesMapper}
 * is the one place where Spring properties meet mesh4j's API. docs/spring-boot.md describes the
 * properties and beans.
 */
@NullMarked
package dev.mesh4j.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
