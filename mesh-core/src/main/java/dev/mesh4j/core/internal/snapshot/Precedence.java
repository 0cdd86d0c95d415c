package dev.mesh4j.core.internal.snapshot;

import dev.mesh4j.api.config.IstioResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which Istio lets conflicting resources win: oldest {@code creationTimestamp}
 * first, then namespace/name; resources without a timestamp come after those with one, in load
 * order.
 */
final class Precedence {
  private Precedence() {}

  static <T extends IstioResource> List<T> sort(List<T> resources) {
    List<Indexed<T>> indexed = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      indexed.add(new Indexed<>(resources.get(i), i));
    }
    indexed.sort(ORDER);
    List<T> out = new ArrayList<>(indexed.size());
    for (Indexed<T> x : indexed) {
      out.add(x.resource);
    }
    return out;
  }

  private record Indexed<T extends IstioResource>(T resource, int index) {}

  private static final Comparator<Indexed<?>> ORDER = (a, b) -> {
    Instant ta = a.resource.metadata().creationTimestamp();
    Instant tb = b.resource.metadata().creationTimestamp();
    if (ta != null && tb != null) {
      int c = ta.compareTo(tb);
      if (c != 0) {
        return c;
      }
      c = a.resource.metadata().name().compareTo(b.resource.metadata().name());
      if (c != 0) {
        return c;
      }
      return a.resource.metadata().namespace().compareTo(b.resource.metadata().namespace());
    }
    if (ta != null) {
      return -1;
    }
    if (tb != null) {
      return 1;
    }
    return Integer.compare(a.index, b.index);
  };
}
