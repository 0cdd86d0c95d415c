/**
 * Internal: rules and helpers every part of the engine uses — Istio's host-name rules, durations
 * in Istio's format, the limits on regexes, the problems a configuration has and the quoting of
 * configuration and request text in messages. Depends on nothing else of mesh4j's engine. Not API.
 */
@NullMarked
package dev.mesh4j.core.internal.common;

import org.jspecify.annotations.NullMarked;
