/**
 * Istio's standard metrics recorded in Micrometer, with Istio's names and labels.
 */
@NullMarked
package dev.mesh4j.spring.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
