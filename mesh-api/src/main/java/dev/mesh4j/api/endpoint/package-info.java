/**
 * Endpoints: the addresses a service's traffic is balanced over, with their labels and weights.
 * Every type here is immutable and thread-safe.
 */
@NullMarked
package dev.mesh4j.api.endpoint;

import org.jspecify.annotations.NullMarked;
