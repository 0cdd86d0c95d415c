/**
 * Reading Istio manifests into the {@code dev.mesh4j.api.config} model, validating them as
 * Istio does. Internal: not part of mesh4j's API and may change at any time.
 *
 * <p>Decoding and validation are one pass: each decoder reads the fields it knows through a
 * {@link dev.mesh4j.core.internal.config.Node}, which knows its field path, records every
 * problem in a shared {@link dev.mesh4j.core.internal.config.Problems} and warns about the fields
 * nobody read. A decoder never throws for bad input; it records the problem and returns what it
 * could read, so that one load reports all problems.
 */
@NullMarked
package dev.mesh4j.core.internal.config;

import org.jspecify.annotations.NullMarked;
