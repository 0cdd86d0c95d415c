package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the builders of this package share: null checks that name the argument, and the few
 * mappings by which Istio's fields read a zero or empty value as "unset" (proto3 semantics), kept
 * identical to how mesh4j reads the same value from YAML.
 */
final class Builders {
  private Builders() {}

  /** Appends every value, rejecting null (as the array or as an element) under {@code what}. */
  static <T> void addAll(List<T> to, T[] values, String what) {
    requireNonNull(values, what);
    for (T v : values) {
      to.add(requireNonNull(v, what));
    }
  }

  /**
   * Appends every value, rejecting null (as the collection or as an element) under {@code what}.
   */
  static <T> void addAll(List<T> to, Collection<? extends T> values, String what) {
    requireNonNull(values, what);
    for (T v : values) {
      to.add(requireNonNull(v, what));
    }
  }

  /** Puts every entry, rejecting null (map, key or value) under {@code what}. */
  static <K, V> void putAll(Map<K, V> to, Map<? extends K, ? extends V> entries, String what) {
    requireNonNull(entries, what);
    for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
      to.put(requireNonNull(e.getKey(), what), requireNonNull(e.getValue(), what));
    }
  }

  /**
   * A header name as the model keeps it: lower case, since header names are case-insensitive and
   * the engine compares them lower-cased (the YAML reader lower-cases them too).
   */
  static String headerName(String name, String what) {
    return requireNonNull(name, what).toLowerCase(Locale.ROOT);
  }

  /** An Istio {@code uint32}/{@code int32} field where 0 means unset. */
  static @Nullable Integer zeroIsUnset(int value) {
    return value == 0 ? null : value;
  }

  /** An Istio {@code string} field where the empty string means unset. */
  static @Nullable String emptyIsUnset(String value, String what) {
    return requireNonNull(value, what).isEmpty() ? null : value;
  }

  /** Build() of a required value that is not a string (strings default to empty). */
  static <T> T required(@Nullable T value, String type, String field) {
    if (value == null) {
      throw new IllegalStateException(type + "." + field + " is not set");
    }
    return value;
  }
}
