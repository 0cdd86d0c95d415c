/**
 * What only Spring Boot 3.5 has: the customizer and health types at their Boot 3 packages. Compiled
 * against Boot 3.5's jars (see the starter's pom); each class is guarded by
 * {@code @ConditionalOnClass(name = ...)} on a Boot 3.5 type, so Boot 4 skips it.
 */
@NullMarked
package dev.mesh4j.spring.autoconfigure.boot3;

import org.jspecify.annotations.NullMarked;
