package dev.mesh4j.spring.autoconfigure.actuate;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.MeshSummary;
import dev.mesh4j.spring.autoconfigure.MeshConfigStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mesh's health, independent of the Boot line's health API (the per-line indicators report
 * it): DOWN when no valid configuration was ever loaded, or while a source has not delivered its
 * initial state; a rejected reload or a source that lost its connection ({@code STALE}) leaves it
 * UP, as the last good configuration keeps serving, and shows in the details.
 *
 * @param up whether the mesh is healthy
 * @param details version, counts of services, clusters, endpoints and ejected endpoints, the
 *     latest load, and each source's state
 */
public record MeshHealth(boolean up, Map<String, Object> details) {

  public MeshHealth {
    details = Map.copyOf(details);
  }

  /** The health of a mesh now. */
  public static MeshHealth of(Mesh mesh, MeshConfigStatus status) {
    requireNonNull(mesh, "mesh");
    requireNonNull(status, "status");
    MeshSummary summary = mesh.describe();
    int endpoints = 0;
    int ejected = 0;
    for (MeshSummary.Cluster c : summary.clusters()) {
      for (MeshSummary.Endpoint e : c.endpoints()) {
        endpoints++;
        ejected += e.ejected() ? 1 : 0;
      }
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("version", summary.version());
    details.put("services", summary.services().size());
    details.put("clusters", summary.clusters().size());
    details.put("endpoints", endpoints);
    details.put("ejectedEndpoints", ejected);
    MeshConfigStatus.Load last = status.last();
    if (last != null) {
      details.put("lastLoad", last);
    }
    Map<String, Object> sources = new LinkedHashMap<>();
    String starting = null;
    for (SourceStatus s : summary.sources()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("state", s.state().name());
      if (!s.message().isEmpty()) {
        d.put("message", s.message());
      }
      d.put("since", s.since().toString());
      sources.put(s.source(), d);
      if (s.state() == SourceStatus.State.STARTING && starting == null) {
        starting = s.source();
      }
    }
    details.put("sources", sources);
    if (!summary.rejected().isEmpty()) {
      details.put("rejected", summary.rejected());
    }
    if (!status.everLoaded()) {
      details.put("reason", "no valid configuration was ever loaded");
    } else if (starting != null) {
      details.put("reason", "source " + starting + " has not delivered its initial state");
    }
    return new MeshHealth(status.everLoaded() && starting == null, details);
  }
}
