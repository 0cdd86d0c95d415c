package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An Istio {@code ServiceEntry}: a service mesh4j should know, with its ports and endpoints.
 *
 * <p>Read from YAML, or built in code with the fields of Istio's reference. A service with two
 * static endpoints:
 *
 * <pre>{@code
 * ServiceEntry ratings = ServiceEntry.builder("ratings")
 *     .hosts("ratings.example.com")
 *     .ports(ServicePort.builder().number(8080).name("http").protocol("HTTP"))
 *     .resolution(Resolution.STATIC)
 *     .endpoints(WorkloadEndpoint.builder().address("10.0.0.1").label("version", "v1"))
 *     .endpoints(WorkloadEndpoint.builder().address("10.0.0.2").label("version", "v2"))
 *     .build();
 * }</pre>
 *
 * @param metadata name, namespace and origin
 * @param hosts the service hosts (short names resolve against the namespace; see the docs)
 * @param addresses virtual IPs or CIDRs of the service
 * @param ports the service ports
 * @param location inside or outside the mesh (default MESH_EXTERNAL)
 * @param resolution how endpoints are found (default NONE)
 * @param endpoints the endpoints, when listed inline
 * @param workloadSelector labels of WorkloadEntries that are this service's endpoints
 * @param exportTo the namespaces this is visible to; empty means all
 * @param subjectAltNames identities the endpoints' certificates carry
 */
public record ServiceEntry(
    ObjectMeta metadata,
    List<String> hosts,
    List<String> addresses,
    List<ServicePort> ports,
    Location location,
    Resolution resolution,
    List<WorkloadEndpoint> endpoints,
    Map<String, String> workloadSelector,
    List<String> exportTo,
    List<String> subjectAltNames)
    implements IstioResource {

  /** Where the service runs. */
  public enum Location {
    MESH_EXTERNAL,
    MESH_INTERNAL
  }

  /** How the service's endpoints are found. */
  public enum Resolution {
    /** Send to the address the application asked for. */
    NONE,
    /** Endpoints are the IP addresses listed. */
    STATIC,
    /** Endpoints are host names resolved by DNS; every address is an endpoint. */
    DNS,
    /** One logical endpoint: connect to the first address DNS returns. */
    DNS_ROUND_ROBIN,
    /**
     * The hosts are wildcards and each request goes to the host it names, resolved by DNS at
     * request time (Envoy's dynamic forward proxy); in-process that is the address the
     * application asked for, as with {@link #NONE}.
     */
    DYNAMIC_DNS
  }

  public ServiceEntry {
    requireNonNull(metadata, "metadata");
    hosts = Copies.list(hosts);
    addresses = Copies.list(addresses);
    ports = Copies.list(ports);
    location = location == null ? Location.MESH_EXTERNAL : location;
    resolution = resolution == null ? Resolution.NONE : resolution;
    endpoints = Copies.list(endpoints);
    workloadSelector = Copies.map(workloadSelector);
    exportTo = Copies.list(exportTo);
    subjectAltNames = Copies.list(subjectAltNames);
  }

  /**
   * A builder of a ServiceEntry named {@code name}: namespace unset (the workload's), origin
   * {@link ConfigOrigin#PROGRAMMATIC}, location {@code MESH_EXTERNAL}, resolution {@code NONE}.
   */
  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  /** A builder pre-filled with this ServiceEntry. */
  @Override
  public Builder toBuilder() {
    Builder b = new Builder().metadata(metadata);
    b.hosts.addAll(hosts);
    b.addresses.addAll(addresses);
    b.ports.addAll(ports);
    b.location = location;
    b.resolution = resolution;
    b.endpoints.addAll(endpoints);
    b.workloadSelector.putAll(workloadSelector);
    b.exportTo.addAll(exportTo);
    b.subjectAltNames.addAll(subjectAltNames);
    return b;
  }

  /**
   * Builds a {@link ServiceEntry}. Lists and maps accumulate (each call adds); other setters
   * replace; nested builders are built when passed. No validation: the mesh checks the result as
   * it checks YAML. Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder implements IstioResource.ResourceBuilder<ServiceEntry> {
    private final ObjectMeta.Builder metadata = ObjectMeta.builder();
    private final List<String> hosts = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final List<ServicePort> ports = new ArrayList<>();
    private @Nullable Location location;
    private @Nullable Resolution resolution;
    private final List<WorkloadEndpoint> endpoints = new ArrayList<>();
    private final Map<String, String> workloadSelector = new LinkedHashMap<>();
    private final List<String> exportTo = new ArrayList<>();
    private final List<String> subjectAltNames = new ArrayList<>();

    private Builder() {}

    /** Sets the name ({@code metadata.name}). */
    @Override
    public Builder name(String name) {
      metadata.name(name);
      return this;
    }

    /**
     * Sets the namespace ({@code metadata.namespace}); unset, this ServiceEntry belongs to the
     * namespace of the workload the configuration is applied to.
     */
    @Override
    public Builder namespace(String namespace) {
      metadata.namespace(namespace);
      return this;
    }

    /** Adds a label ({@code metadata.labels}). */
    @Override
    public Builder label(String name, String value) {
      metadata.label(name, value);
      return this;
    }

    /** Adds labels ({@code metadata.labels}). */
    @Override
    public Builder labels(Map<String, String> labels) {
      metadata.labels(labels);
      return this;
    }

    /** Adds an annotation ({@code metadata.annotations}). */
    @Override
    public Builder annotation(String name, String value) {
      metadata.annotation(name, value);
      return this;
    }

    /** Adds annotations ({@code metadata.annotations}). */
    @Override
    public Builder annotations(Map<String, String> annotations) {
      metadata.annotations(annotations);
      return this;
    }

    /** Sets the creation time ({@code metadata.creationTimestamp}); older wins conflicts. */
    @Override
    public Builder creationTimestamp(Instant creationTimestamp) {
      metadata.creationTimestamp(creationTimestamp);
      return this;
    }

    /** Sets the origin named in config problems; {@link ConfigOrigin#PROGRAMMATIC} unless set. */
    @Override
    public Builder origin(ConfigOrigin origin) {
      metadata.origin(origin);
      return this;
    }

    /** Replaces the whole metadata: name, namespace, labels, annotations, time and origin. */
    @Override
    public Builder metadata(ObjectMeta metadata) {
      this.metadata.reset(requireNonNull(metadata, "metadata"));
      return this;
    }

    /** Adds hosts of the service (Istio {@code hosts}). */
    public Builder hosts(String... hosts) {
      Builders.addAll(this.hosts, hosts, "hosts");
      return this;
    }

    /** Adds hosts of the service (Istio {@code hosts}). */
    public Builder hosts(Collection<String> hosts) {
      Builders.addAll(this.hosts, hosts, "hosts");
      return this;
    }

    /** Adds virtual IPs or CIDRs of the service (Istio {@code addresses}). */
    public Builder addresses(String... addresses) {
      Builders.addAll(this.addresses, addresses, "addresses");
      return this;
    }

    /** Adds virtual IPs or CIDRs of the service (Istio {@code addresses}). */
    public Builder addresses(Collection<String> addresses) {
      Builders.addAll(this.addresses, addresses, "addresses");
      return this;
    }

    /** Adds service ports (Istio {@code ports}). */
    public Builder ports(ServicePort... ports) {
      Builders.addAll(this.ports, ports, "ports");
      return this;
    }

    /** Adds service ports, built now (Istio {@code ports}). */
    public Builder ports(ServicePort.Builder... ports) {
      requireNonNull(ports, "ports");
      for (ServicePort.Builder p : ports) {
        this.ports.add(requireNonNull(p, "ports").build());
      }
      return this;
    }

    /** Adds service ports (Istio {@code ports}). */
    public Builder ports(Collection<ServicePort> ports) {
      Builders.addAll(this.ports, ports, "ports");
      return this;
    }

    /**
     * Sets whether the service is inside the mesh (Istio {@code location}); external unless set.
     */
    public Builder location(Location location) {
      this.location = requireNonNull(location, "location");
      return this;
    }

    /** Sets how endpoints are found (Istio {@code resolution}); {@code NONE} unless set. */
    public Builder resolution(Resolution resolution) {
      this.resolution = requireNonNull(resolution, "resolution");
      return this;
    }

    /** Adds endpoints of the service (Istio {@code endpoints}). */
    public Builder endpoints(WorkloadEndpoint... endpoints) {
      Builders.addAll(this.endpoints, endpoints, "endpoints");
      return this;
    }

    /** Adds endpoints of the service, built now (Istio {@code endpoints}). */
    public Builder endpoints(WorkloadEndpoint.Builder... endpoints) {
      requireNonNull(endpoints, "endpoints");
      for (WorkloadEndpoint.Builder e : endpoints) {
        this.endpoints.add(requireNonNull(e, "endpoints").build());
      }
      return this;
    }

    /** Adds endpoints of the service (Istio {@code endpoints}). */
    public Builder endpoints(Collection<WorkloadEndpoint> endpoints) {
      Builders.addAll(this.endpoints, endpoints, "endpoints");
      return this;
    }

    /**
     * Adds a label of the WorkloadEntries that are this service's endpoints (Istio
     * {@code workloadSelector.labels}).
     */
    public Builder workloadSelector(String name, String value) {
      workloadSelector.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /**
     * Adds labels of the WorkloadEntries that are endpoints (Istio {@code
     * workloadSelector.labels}).
     */
    public Builder workloadSelector(Map<String, String> labels) {
      Builders.putAll(workloadSelector, labels, "labels");
      return this;
    }

    /**
     * Adds namespaces this ServiceEntry is visible to (Istio {@code exportTo}: a namespace,
     * {@code "."} for its own, {@code "*"} for all, {@code "~"} for none); none means all.
     */
    public Builder exportTo(String... namespaces) {
      Builders.addAll(exportTo, namespaces, "namespaces");
      return this;
    }

    /** Adds namespaces this ServiceEntry is visible to (Istio {@code exportTo}). */
    public Builder exportTo(Collection<String> namespaces) {
      Builders.addAll(exportTo, namespaces, "namespaces");
      return this;
    }

    /** Adds identities the endpoints' certificates carry (Istio {@code subjectAltNames}). */
    public Builder subjectAltNames(String... subjectAltNames) {
      Builders.addAll(this.subjectAltNames, subjectAltNames, "subjectAltNames");
      return this;
    }

    /** Adds identities the endpoints' certificates carry (Istio {@code subjectAltNames}). */
    public Builder subjectAltNames(Collection<String> subjectAltNames) {
      Builders.addAll(this.subjectAltNames, subjectAltNames, "subjectAltNames");
      return this;
    }

    /** The ServiceEntry as set so far. */
    @Override
    public ServiceEntry build() {
      return new ServiceEntry(metadata.build(), hosts, addresses, ports, location, resolution,
          endpoints, workloadSelector, exportTo, subjectAltNames);
    }
  }
}
