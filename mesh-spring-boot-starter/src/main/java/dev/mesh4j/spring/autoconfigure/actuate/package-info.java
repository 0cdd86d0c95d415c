/**
 * The {@code mesh} actuator endpoint and the line-independent part of the {@code mesh} health
 * indicator.
 */
@NullMarked
package dev.mesh4j.spring.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
