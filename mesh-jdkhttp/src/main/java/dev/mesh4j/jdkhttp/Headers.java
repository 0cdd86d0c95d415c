package dev.mesh4j.jdkhttp;

import dev.mesh4j.core.http.HeaderMutation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Header maps (case-insensitive names, ordered values) as the route's header changes edit them. */
final class Headers {
  private Headers() {}

  /** The target of a {@link HeaderMutation} that edits {@code map}. */
  static HeaderMutation.Target target(Map<String, List<String>> map) {
    return HeaderMutation.Target.of(
        map::remove,
        (name, value) -> {
          List<String> values = new ArrayList<>(1);
          values.add(value);
          map.put(name, values);
        },
        (name, value) -> map.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value));
  }
}
