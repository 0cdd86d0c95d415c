/**
 * What only Spring Boot 4 has: its customizer and health types moved packages. Each class is
 * guarded by {@code @ConditionalOnClass(name = ...)} on a Boot 4 type, so Boot 3.5 skips it.
 */
@NullMarked
package dev.mesh4j.spring.autoconfigure.boot4;

import org.jspecify.annotations.NullMarked;
