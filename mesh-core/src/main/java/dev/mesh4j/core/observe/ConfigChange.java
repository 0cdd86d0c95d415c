package dev.mesh4j.core.observe;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.ConfigProblem;
import java.time.Instant;
import java.util.List;

/**
 * A source's update was applied, or refused (wholly, or some of its resources). Immutable.
 *
 * @param source the source's name ({@code directory:/etc/istio}, {@code kubernetes}, …)
 * @param version the configuration version in force afterwards
 * @param problems for an applied update its warnings (and, from a per-resource source, the
 *     errors of the resources it skipped); for a refused one its errors
 * @param time when it happened (the mesh's clock)
 */
public record ConfigChange(String source, long version, List<ConfigProblem> problems, Instant time) {

  public ConfigChange {
    requireNonNull(source, "source");
    problems = List.copyOf(problems);
    requireNonNull(time, "time");
  }
}
