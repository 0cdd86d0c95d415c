package dev.mesh4j.spring.autoconfigure.actuate;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.MeshSummary;
import dev.mesh4j.spring.autoconfigure.MeshConfigStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mesh's health, independent of the Boot line's health API (the per-line indicators report
 * it): DOWN only when no valid configuration was ever loaded; a rejected reload leaves it UP, as
 * the last good configuration keeps serving, and shows in the details.
 *
 * @param up whether the mesh is healthy
 * @param details version, counts of services, clusters, endpoints and ejected endpoints, and the
 *     latest load
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
    if (!status.everLoaded()) {
      details.put("reason", "no valid configuration was ever loaded");
    }
    return new MeshHealth(status.everLoaded(), details);
  }
}
