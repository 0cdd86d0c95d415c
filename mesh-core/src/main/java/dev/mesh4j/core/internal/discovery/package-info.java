/**
 * Where endpoints come from: ServiceEntries, WorkloadEntries, the programmatic registry and DNS.
 *
 * <p>Internal: not part of mesh4j's API and may change at any time.
 */
@NullMarked
package dev.mesh4j.core.internal.discovery;

import org.jspecify.annotations.NullMarked;
