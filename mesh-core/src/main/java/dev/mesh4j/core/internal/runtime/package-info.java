/**
 * Runtime plumbing: the default scheduler and periodic tasks on an injected scheduler.
 *
 * <p>Internal: not part of mesh4j's API and may change at any time.
 */
@NullMarked
package dev.mesh4j.core.internal.runtime;

import org.jspecify.annotations.NullMarked;
