package dev.mesh4j.core.internal.source;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.spi.ResourceKey;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An update validated against a source's state, not yet applied. For a full update the maps are
 * what the source's state becomes; otherwise they are changes, a null value meaning "remove" —
 * so that applying a change costs time in proportion to the change, not to the source.
 *
 * @param state the source
 * @param full whether the maps replace the state (else they change it)
 * @param accepted whether it may be applied (a whole-set source's update with an error may not)
 * @param resources resources by key (null value: removed)
 * @param rejections per-resource rejections by key (null value: cleared)
 * @param services services by canonical host (null value: removed)
 * @param problems what was found, errors and warnings
 * @param rejectedKeys the keys of this update that were not applied
 */
public record Staged(
    SourceState state,
    boolean full,
    boolean accepted,
    Map<ResourceKey, SourceState.Held> resources,
    Map<ResourceKey, List<ConfigProblem>> rejections,
    Map<String, ServiceEndpoints> services,
    List<ConfigProblem> problems,
    Set<ResourceKey> rejectedKeys) {

  /** Whether the update touches resources (which needs routes compiled again). */
  boolean touchesResources() {
    return full || !resources.isEmpty();
  }
}
