package dev.mesh4j.core;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.endpoint.Endpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Services and their endpoints declared in code, for applications without ServiceEntry YAML:
 * what Kubernetes Services and their endpoints are to a sidecar.
 *
 * <p>A host is named as in config: {@code reviews} is {@code reviews} in the workload's
 * namespace ({@code reviews.default.svc.cluster.local}); a name with a dot is used as written.
 * Registered services are {@code MESH_INTERNAL} HTTP services; their endpoints' labels are
 * what DestinationRule subsets select on.
 *
 * <p>Thread-safe. Every change is compiled into a new snapshot before the method returns, so
 * requests that start afterwards see it; requests in flight are not affected. Endpoints that
 * stay keep their load-balancer and health state.
 */
public final class ServiceRegistry {
  private final Map<String, Map<Integer, List<Endpoint>>> services = new LinkedHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** Sets the endpoints of one port of a service, replacing the previous ones for that port. */
  public ServiceRegistry register(String host, int port, List<Endpoint> endpoints) {
    requireNonNull(host, "host");
    requireNonNull(endpoints, "endpoints");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host: \"\" (expected: a service name)");
    }
    synchronized (this) {
      services.computeIfAbsent(host.toLowerCase(java.util.Locale.ROOT), h -> new LinkedHashMap<>())
          .put(port, List.copyOf(endpoints));
    }
    changed();
    return this;
  }

  /** Sets the endpoints of one port of a service. */
  public ServiceRegistry register(String host, int port, Endpoint... endpoints) {
    return register(host, port, Arrays.asList(endpoints));
  }

  /** Removes a service and all its endpoints. */
  public ServiceRegistry deregister(String host) {
    boolean removed;
    synchronized (this) {
      removed = services.remove(host.toLowerCase(java.util.Locale.ROOT)) != null;
    }
    if (removed) {
      changed();
    }
    return this;
  }

  /** The registered services: host → port → endpoints. A copy. */
  public synchronized Map<String, Map<Integer, List<Endpoint>>> snapshot() {
    Map<String, Map<Integer, List<Endpoint>>> copy = new LinkedHashMap<>();
    services.forEach((h, ports) -> copy.put(h, Collections.unmodifiableMap(new LinkedHashMap<>(ports))));
    return Collections.unmodifiableMap(copy);
  }

  void addListener(Runnable listener) {
    listeners.add(listener);
  }

  void removeListener(Runnable listener) {
    listeners.remove(listener);
  }

  private void changed() {
    for (Runnable l : new ArrayList<>(listeners)) {
      l.run();
    }
  }
}
