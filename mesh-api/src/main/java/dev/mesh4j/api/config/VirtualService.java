package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * An Istio {@code VirtualService}: how requests to some hosts are routed.
 *
 * <p>Read from YAML, or built in code with the fields of Istio's reference. Bookinfo's
 * {@code virtual-service-reviews-80-20.yaml}:
 *
 * <pre>{@code
 * VirtualService reviews = VirtualService.builder("reviews")
 *     .hosts("reviews")
 *     .http(HttpRoute.builder()
 *         .route(HttpRouteDestination.builder()
 *             .destination(Destination.builder().host("reviews").subset("v1"))
 *             .weight(80))
 *         .route(HttpRouteDestination.builder()
 *             .destination(Destination.builder().host("reviews").subset("v2"))
 *             .weight(20)))
 *     .build();
 * }</pre>
 *
 * @param metadata name, namespace and origin
 * @param hosts the hosts this applies to, as written (short names are resolved against
 *     {@code metadata.namespace} by the engine); empty for a delegate VirtualService
 * @param gateways the gateways this binds to; empty means {@code mesh} only
 * @param http the HTTP routes, evaluated in order
 * @param tls the routes of the application's own TLS connections (an {@code https} call to a
 *     service port of protocol {@code HTTPS} or {@code TLS}), chosen by server name and port
 * @param tcp the routes of plain TCP connections (a call to a service port of another non-HTTP
 *     protocol), evaluated in order
 * @param exportTo the namespaces this is visible to; empty means all
 */
public record VirtualService(
    ObjectMeta metadata,
    List<String> hosts,
    List<String> gateways,
    List<HttpRoute> http,
    List<TlsRoute> tls,
    List<TcpRoute> tcp,
    List<String> exportTo)
    implements IstioResource {

  /** The reserved gateway name that means "sidecars in the mesh". */
  public static final String MESH_GATEWAY = "mesh";

  public VirtualService {
    requireNonNull(metadata, "metadata");
    hosts = Copies.list(hosts);
    gateways = Copies.list(gateways);
    http = Copies.list(http);
    tls = Copies.list(tls);
    tcp = Copies.list(tcp);
    exportTo = Copies.list(exportTo);
  }

  /** A VirtualService with HTTP routes only (no {@code tls} or {@code tcp} routes). */
  public VirtualService(ObjectMeta metadata, List<String> hosts, List<String> gateways, List<HttpRoute> http,
      List<String> exportTo) {
    this(metadata, hosts, gateways, http, List.of(), List.of(), exportTo);
  }

  /**
   * A builder of a VirtualService named {@code name}: namespace unset (the workload's), origin
   * {@link ConfigOrigin#PROGRAMMATIC}, no hosts and no routes.
   */
  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  /** A builder pre-filled with this VirtualService. */
  @Override
  public Builder toBuilder() {
    Builder b = new Builder().metadata(metadata);
    b.hosts.addAll(hosts);
    b.gateways.addAll(gateways);
    b.http.addAll(http);
    b.tls.addAll(tls);
    b.tcp.addAll(tcp);
    b.exportTo.addAll(exportTo);
    return b;
  }

  /** Whether this is a delegate (it has no hosts and is only reachable through a delegate). */
  public boolean isDelegate() {
    return hosts.isEmpty();
  }

  /**
   * Builds a {@link VirtualService}. Lists accumulate (each call appends); nested builders are
   * built when passed. No validation: the mesh checks the result as it checks YAML. Not
   * thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder implements IstioResource.ResourceBuilder<VirtualService> {
    private final ObjectMeta.Builder metadata = ObjectMeta.builder();
    private final List<String> hosts = new ArrayList<>();
    private final List<String> gateways = new ArrayList<>();
    private final List<HttpRoute> http = new ArrayList<>();
    private final List<TlsRoute> tls = new ArrayList<>();
    private final List<TcpRoute> tcp = new ArrayList<>();
    private final List<String> exportTo = new ArrayList<>();

    private Builder() {}

    /** Sets the name ({@code metadata.name}). */
    @Override
    public Builder name(String name) {
      metadata.name(name);
      return this;
    }

    /**
     * Sets the namespace ({@code metadata.namespace}); unset, this VirtualService belongs to the
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

    /** Adds hosts this VirtualService applies to (Istio {@code hosts}). */
    public Builder hosts(String... hosts) {
      Builders.addAll(this.hosts, hosts, "hosts");
      return this;
    }

    /** Adds hosts this VirtualService applies to (Istio {@code hosts}). */
    public Builder hosts(Collection<String> hosts) {
      Builders.addAll(this.hosts, hosts, "hosts");
      return this;
    }

    /**
     * Adds gateways this VirtualService binds to (Istio {@code gateways}); none means
     * {@code mesh}, the sidecars.
     */
    public Builder gateways(String... gateways) {
      Builders.addAll(this.gateways, gateways, "gateways");
      return this;
    }

    /** Adds gateways this VirtualService binds to (Istio {@code gateways}). */
    public Builder gateways(Collection<String> gateways) {
      Builders.addAll(this.gateways, gateways, "gateways");
      return this;
    }

    /** Adds HTTP routes, evaluated in the order added (Istio {@code http}). */
    public Builder http(HttpRoute... routes) {
      Builders.addAll(http, routes, "routes");
      return this;
    }

    /** Adds HTTP routes, built now, evaluated in the order added (Istio {@code http}). */
    public Builder http(HttpRoute.Builder... routes) {
      requireNonNull(routes, "routes");
      for (HttpRoute.Builder r : routes) {
        http.add(requireNonNull(r, "routes").build());
      }
      return this;
    }

    /** Adds HTTP routes, evaluated in the order added (Istio {@code http}). */
    public Builder http(Collection<HttpRoute> routes) {
      Builders.addAll(http, routes, "routes");
      return this;
    }

    /** Adds TLS routes (Istio {@code tls}); the one for a connection is chosen by server name. */
    public Builder tls(TlsRoute... routes) {
      Builders.addAll(tls, routes, "routes");
      return this;
    }

    /** Adds TLS routes, built now (Istio {@code tls}). */
    public Builder tls(TlsRoute.Builder... routes) {
      requireNonNull(routes, "routes");
      for (TlsRoute.Builder r : routes) {
        tls.add(requireNonNull(r, "routes").build());
      }
      return this;
    }

    /** Adds TLS routes (Istio {@code tls}). */
    public Builder tls(Collection<TlsRoute> routes) {
      Builders.addAll(tls, routes, "routes");
      return this;
    }

    /** Adds TCP routes, evaluated in the order added (Istio {@code tcp}). */
    public Builder tcp(TcpRoute... routes) {
      Builders.addAll(tcp, routes, "routes");
      return this;
    }

    /** Adds TCP routes, built now, evaluated in the order added (Istio {@code tcp}). */
    public Builder tcp(TcpRoute.Builder... routes) {
      requireNonNull(routes, "routes");
      for (TcpRoute.Builder r : routes) {
        tcp.add(requireNonNull(r, "routes").build());
      }
      return this;
    }

    /** Adds TCP routes, evaluated in the order added (Istio {@code tcp}). */
    public Builder tcp(Collection<TcpRoute> routes) {
      Builders.addAll(tcp, routes, "routes");
      return this;
    }

    /**
     * Adds namespaces this VirtualService is visible to (Istio {@code exportTo}: a namespace,
     * {@code "."} for its own, {@code "*"} for all); none means all.
     */
    public Builder exportTo(String... namespaces) {
      Builders.addAll(exportTo, namespaces, "namespaces");
      return this;
    }

    /** Adds namespaces this VirtualService is visible to (Istio {@code exportTo}). */
    public Builder exportTo(Collection<String> namespaces) {
      Builders.addAll(exportTo, namespaces, "namespaces");
      return this;
    }

    /** The VirtualService as set so far. */
    @Override
    public VirtualService build() {
      return new VirtualService(metadata.build(), hosts, gateways, http, tls, tcp, exportTo);
    }
  }
}
