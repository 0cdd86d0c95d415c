/**
 * The answer of {@code Mesh.explain(request)}: what mesh4j would do with a request and why,
 * without sending anything. Immutable values with a text rendering (like
 * {@code istioctl x describe}) and a JSON rendering.
 */
@NullMarked
package dev.mesh4j.core.explain;

import org.jspecify.annotations.NullMarked;
