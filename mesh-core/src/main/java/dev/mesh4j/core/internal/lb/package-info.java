/**
 * Load balancing: one class per algorithm behind {@link dev.mesh4j.core.internal.lb.LoadBalancer}, and the per-cluster, per-endpoint state that survives reloads.
 *
 * <p>Internal: not part of mesh4j's API and may change at any time.
 */
@NullMarked
package dev.mesh4j.core.internal.lb;

import org.jspecify.annotations.NullMarked;
