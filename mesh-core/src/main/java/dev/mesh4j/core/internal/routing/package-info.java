/**
 * Routing: compiled VirtualService routes, HTTP match evaluation and weighted destination choice. Pure functions over immutable compiled structures.
 *
 * <p>Internal: not part of mesh4j's API and may change at any time.
 */
@NullMarked
package dev.mesh4j.core.internal.routing;

import org.jspecify.annotations.NullMarked;
