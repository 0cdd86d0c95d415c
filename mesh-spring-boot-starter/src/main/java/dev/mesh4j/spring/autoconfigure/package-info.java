/**
 * Spring Boot auto-configuration for mesh4j. This module is a placeholder: the starter's own
 * issue fills it (beans, properties, inbound context filters, Actuator endpoint). Until then,
 * build a {@code Mesh} with {@code Mesh.builder()} and install it with {@code MeshOkHttp}.
 */
package dev.mesh4j.spring.autoconfigure;
