/**
 * The mesh4j console: a live page of what this workload's mesh does — the graph of the services
 * it calls and the versions that answer, with rates, errors, latencies and configured against
 * observed splits, circuit breaking at work, the decisions timeline and explain. Start it with
 * {@link dev.mesh4j.console.MeshConsole#start}; the Spring Boot starter serves it under the
 * management port. Uses mesh-core's public API only.
 */
@NullMarked
package dev.mesh4j.console;

import org.jspecify.annotations.NullMarked;
