/**
 * The seams through which mesh4j sees the world: time ({@link dev.mesh4j.api.runtime.Ticker}),
 * randomness ({@link dev.mesh4j.api.runtime.RandomSource}), name resolution
 * ({@link dev.mesh4j.api.runtime.DnsResolver}), waiting ({@link dev.mesh4j.api.runtime.Sleeper})
 * and the identity of the workload it runs in ({@link dev.mesh4j.api.runtime.Workload}).
 *
 * <p>Engine code never reads the system clock or a global random generator; tests inject fakes
 * through these interfaces so that timing and probability are deterministic.
 */
@NullMarked
package dev.mesh4j.api.runtime;

import org.jspecify.annotations.NullMarked;
