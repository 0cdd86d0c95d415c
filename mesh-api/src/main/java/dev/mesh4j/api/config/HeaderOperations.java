package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Header operations, applied in the order remove, set, add (as Envoy does).
 *
 * @param set headers to set, replacing any existing values
 * @param add headers to append to any existing values
 * @param remove header names to remove
 */
public record HeaderOperations(
    Map<String, String> set, Map<String, String> add, List<String> remove) {

  /** No operation. */
  public static final HeaderOperations NONE = new HeaderOperations(Map.of(), Map.of(), List.of());

  public HeaderOperations {
    set = Copies.map(set);
    add = Copies.map(add);
    remove = Copies.list(remove);
  }

  /** Whether this changes nothing. */
  public boolean isEmpty() {
    return set.isEmpty() && add.isEmpty() && remove.isEmpty();
  }

  /** A builder of header operations that, until given some, changes nothing. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with these operations. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.set.putAll(set);
    b.add.putAll(add);
    b.remove.addAll(remove);
    return b;
  }

  /**
   * Builds {@link HeaderOperations}. Every call adds to what is there; header names are
   * lower-cased (they are case-insensitive). No validation. Not thread-safe; {@link #build()} may
   * be called again after further changes.
   */
  public static final class Builder {
    private final Map<String, String> set = new LinkedHashMap<>();
    private final Map<String, String> add = new LinkedHashMap<>();
    private final List<String> remove = new ArrayList<>();

    private Builder() {}

    /** Sets a header, replacing any values it has (Istio {@code set}). */
    public Builder set(String name, String value) {
      set.put(Builders.headerName(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /** Sets headers, replacing any values they have (Istio {@code set}). */
    public Builder set(Map<String, String> headers) {
      requireNonNull(headers, "headers");
      headers.forEach((name, value) ->
          set(requireNonNull(name, "headers"), requireNonNull(value, "headers")));
      return this;
    }

    /** Appends a value to a header (Istio {@code add}). */
    public Builder add(String name, String value) {
      add.put(Builders.headerName(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /** Appends values to headers (Istio {@code add}). */
    public Builder add(Map<String, String> headers) {
      requireNonNull(headers, "headers");
      headers.forEach((name, value) ->
          add(requireNonNull(name, "headers"), requireNonNull(value, "headers")));
      return this;
    }

    /** Removes headers (Istio {@code remove}). */
    public Builder remove(String... names) {
      requireNonNull(names, "names");
      for (String name : names) {
        remove.add(Builders.headerName(name, "names"));
      }
      return this;
    }

    /** The header operations as set so far. */
    public HeaderOperations build() {
      return new HeaderOperations(set, add, remove);
    }
  }
}
