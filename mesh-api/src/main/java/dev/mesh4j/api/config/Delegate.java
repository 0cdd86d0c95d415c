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

  /** A builder of a delegate reference; the name is empty (and so names nothing) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this delegate reference. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.namespace = namespace;
    return b;
  }

  /** Builds a {@link Delegate}. Setters replace. No validation. Not thread-safe. */
  public static final class Builder {
    private String name = "";
    private @Nullable String namespace;

    private Builder() {}

    /** Sets the delegate VirtualService's name (Istio {@code name}). */
    public Builder name(String name) {
      this.name = requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets its namespace (Istio {@code namespace}); unset or empty means the referring
     * VirtualService's namespace.
     */
    public Builder namespace(String namespace) {
      this.namespace = Builders.emptyIsUnset(namespace, "namespace");
      return this;
    }

    /** The delegate reference as set so far. */
    public Delegate build() {
      return new Delegate(name, namespace);
    }
  }
}
