package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A named subset of a service's endpoints: those whose labels contain all of {@code labels}.
 *
 * @param name the subset name routes refer to
 * @param labels the labels an endpoint must carry
 * @param trafficPolicy overrides the rule's policy for this subset, field by field
 */
public record Subset(String name, Map<String, String> labels, @Nullable TrafficPolicy trafficPolicy) {
  public Subset {
    requireNonNull(name, "name");
    labels = Copies.map(labels);
  }
}
