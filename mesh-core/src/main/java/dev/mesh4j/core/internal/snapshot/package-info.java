/**
 * The immutable, compiled view of one configuration and endpoint set that every request reads once, and the compiler that builds it off the request path.
 *
 * <p>Internal: not part of mesh4j's API and may change at any time.
 */
@NullMarked
package dev.mesh4j.core.internal.snapshot;

import org.jspecify.annotations.NullMarked;
