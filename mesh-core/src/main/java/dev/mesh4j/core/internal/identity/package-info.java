/**
 * The workload identity a mesh presents under mutual TLS: where it is held and rotated, and how
 * its keys are read. Internal: not API, may change at any time.
 */
@NullMarked
package dev.mesh4j.core.internal.identity;

import org.jspecify.annotations.NullMarked;
