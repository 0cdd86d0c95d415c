package dev.mesh4j.api.config;

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
}
