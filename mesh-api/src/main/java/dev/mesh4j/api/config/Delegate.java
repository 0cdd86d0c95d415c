package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A reference from a route to a delegate VirtualService whose routes are inlined there.
 *
 * @param name the delegate VirtualService's name
 * @param namespace its namespace, or null for the referring VirtualService's namespace
 */
public record Delegate(String name, @Nullable String namespace) {
  public Delegate {
    requireNonNull(name, "name");
  }
}
