package dev.mesh4j.core.internal.telemetry;

import org.jspecify.annotations.Nullable;

/** Reads a header of some request by lower-case name; null when absent. */
@FunctionalInterface
public interface HeaderLookup {
  @Nullable String get(String lowerCaseName);
}
