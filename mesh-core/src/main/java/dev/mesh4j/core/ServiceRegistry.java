package dev.mesh4j.core;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.api.spi.SourceUpdate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Services and their endpoints declared in code, for applications without ServiceEntry YAML:
 * what Kubernetes Services and their endpoints are to a sidecar.
 *
 * <p>A host is named as in config: {@code reviews} is {@code reviews} in the workload's
 * namespace ({@code reviews.default.svc.cluster.local}); a name with a dot is used as written.
 * Registered services are {@code MESH_INTERNAL} HTTP services; their endpoints' labels are
 * what DestinationRule subsets select on. The registry is a source of every mesh built with it,
 * taking precedence over the mesh's other sources for the services it declares.
 *
 * <p>Thread-safe. Every change is applied to the meshes before the method returns, so requests
 * that start afterwards see it; requests in flight are not affected. A change of endpoints alone
 * updates the service's clusters without compiling routes again; endpoints that stay keep their
 * load-balancer and health state.
 */
public final class ServiceRegistry {
  private final Map<String, Map<Integer, List<Endpoint>>> services = new LinkedHashMap<>();
  private final List<SourceContext> meshes = new CopyOnWriteArrayList<>();

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
    String key = host.toLowerCase(Locale.ROOT);
    // Delivered under the lock, so that meshes see concurrent changes in the order they were made.
    synchronized (this) {
      services.computeIfAbsent(key, h -> new LinkedHashMap<>()).put(port, List.copyOf(endpoints));
      deliver(SourceUpdate.changes().service(service(key)).build());
    }
    return this;
  }

  /** Sets the endpoints of one port of a service. */
  public ServiceRegistry register(String host, int port, Endpoint... endpoints) {
    return register(host, port, Arrays.asList(endpoints));
  }

  /** Removes a service and all its endpoints. */
  public ServiceRegistry deregister(String host) {
    String key = host.toLowerCase(Locale.ROOT);
    synchronized (this) {
      if (services.remove(key) != null) {
        deliver(SourceUpdate.changes().removeService(key, "").build());
      }
    }
    return this;
  }

  /** The registered services: host → port → endpoints. A copy. */
  public synchronized Map<String, Map<Integer, List<Endpoint>>> snapshot() {
    Map<String, Map<Integer, List<Endpoint>>> copy = new LinkedHashMap<>();
    services.forEach((h, ports) -> copy.put(h, Collections.unmodifiableMap(new LinkedHashMap<>(ports))));
    return Collections.unmodifiableMap(copy);
  }

  /** A source delivering this registry to one mesh. */
  MeshSource source() {
    return new Source();
  }

  private ServiceEndpoints service(String host) {
    return new ServiceEndpoints(host, "", List.of(), services.get(host), List.of());
  }

  private void deliver(SourceUpdate update) {
    for (SourceContext mesh : meshes) {
      mesh.apply(update);
    }
  }

  /** The registry as one mesh's source: everything at start, then each change as it is made. */
  private final class Source implements MeshSource {
    private SourceContext context;

    @Override
    public String name() {
      return "registry";
    }

    @Override
    public void start(SourceContext context) {
      this.context = context;
      // Registered under the registry's lock, so that no change falls between the first
      // delivery and the subscription.
      synchronized (ServiceRegistry.this) {
        SourceUpdate.Builder all = SourceUpdate.replaceAll();
        services.keySet().forEach(host -> all.service(service(host)));
        context.apply(all.build());
        meshes.add(context);
      }
      context.synced();
    }

    @Override
    public void close() {
      if (context != null) {
        meshes.remove(context);
      }
    }
  }
}
