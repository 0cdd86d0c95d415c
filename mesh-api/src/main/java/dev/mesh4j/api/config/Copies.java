package dev.mesh4j.api.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Defensive copies for record constructors: null becomes empty, order is kept. */
final class Copies {
  private Copies() {}

  static <T> List<T> list(@Nullable List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  /** An unmodifiable copy that keeps insertion order (YAML order matters for error messages). */
  static <K, V> Map<K, V> map(@Nullable Map<K, V> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    if (map.size() == 1) {
      // One entry has one order; Map.of is a fraction of a LinkedHashMap's size.
      var e = map.entrySet().iterator().next();
      if (e.getKey() != null && e.getValue() != null) {
        return Map.of(e.getKey(), e.getValue());
      }
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
