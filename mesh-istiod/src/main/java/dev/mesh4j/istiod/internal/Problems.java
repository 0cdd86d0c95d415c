package dev.mesh4j.istiod.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * What made one xDS resource unusable, each problem with its field path in the resource
 * ({@code virtual_hosts[0].routes[2].route.cluster_header: ...}): the detail of a NACK. Not
 * thread-safe; one per resource being read.
 */
public final class Problems {
  private final String resource;
  private final List<String> errors = new ArrayList<>();

  /** Problems of the resource named {@code resource}, e.g. {@code RouteConfiguration outbound|9080||reviews}. */
  public Problems(String resource) {
    this.resource = resource;
  }

  /** Records that the field at {@code path} cannot be applied, and why. */
  public void error(String path, String message) {
    errors.add(resource + " " + path + ": " + message);
  }

  /** Records a problem found by someone else (already prefixed). */
  public void add(String message) {
    errors.add(message);
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  public List<String> errors() {
    return List.copyOf(errors);
  }
}
