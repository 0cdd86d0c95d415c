/**
 * Request hashing for consistent-hash load balancing, as Envoy computes it: XXH64 of a header,
 * cookie, query parameter or the source IP, combined over several hash policies, and the
 * {@code Set-Cookie} Envoy adds when it generates a missing cookie.
 *
 * <p>Internal: not part of mesh4j's API and may change at any time.
 */
@NullMarked
package dev.mesh4j.core.internal.lb.hash;

import org.jspecify.annotations.NullMarked;
