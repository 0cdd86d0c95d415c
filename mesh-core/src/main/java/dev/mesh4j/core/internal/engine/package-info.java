/**
 * The per-request pipeline: route, inject faults, pick an endpoint, send through the transport, answer locally when needed.
 *
 * <p>Internal: not part of mesh4j's API and may change at any time.
 */
@NullMarked
package dev.mesh4j.core.internal.engine;

import org.jspecify.annotations.NullMarked;
