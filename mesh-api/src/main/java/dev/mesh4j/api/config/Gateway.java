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
 * An Istio {@code Gateway}. mesh4j reads it so that {@code gateways:} references resolve and, for
 * a workload acting as this gateway, to limit the hosts it accepts.
 *
 * <p>Read from YAML, or built in code with the fields of Istio's reference. Bookinfo's
 * {@code bookinfo-gateway}:
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder("bookinfo-gateway")
 *     .selector("istio", "ingressgateway")
 *     .servers(Server.builder().port(8080, "HTTP").hosts("*"))
 *     .build();
 * }</pre>
 *
 * @param metadata name, namespace and origin
 * @param selector labels of the gateway workloads
 * @param servers the servers (ports and hosts)
 */
public record Gateway(ObjectMeta metadata, Map<String, String> selector, List<Server> servers)
    implements IstioResource {

  /**
   * A gateway server.
   *
   * @param portNumber the port number
   * @param protocol the port protocol
   * @param hosts the hosts exposed ({@code namespace/host} or {@code host}); may be {@code *}
   * @param name an optional server name
   */
  public record Server(int portNumber, String protocol, List<String> hosts, @Nullable String name) {
    public Server {
      requireNonNull(protocol, "protocol");
      hosts = Copies.list(hosts);
    }

    /** A builder of a server; port 0 and an empty protocol (invalid) until set. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder pre-filled with this server. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.portNumber = portNumber;
      b.protocol = protocol;
      b.hosts.addAll(hosts);
      b.name = name;
      return b;
    }

    /**
     * Builds a {@link Server}. Hosts accumulate; other setters replace. No validation. Not
     * thread-safe; {@link #build()} may be called again after further changes.
     */
    public static final class Builder {
      private int portNumber;
      private String protocol = "";
      private final List<String> hosts = new ArrayList<>();
      private @Nullable String name;

      private Builder() {}

      /**
       * Sets the port the server listens on (Istio {@code port.number} and {@code port.protocol};
       * {@code port.name} is not kept).
       */
      public Builder port(int number, String protocol) {
        this.portNumber = number;
        this.protocol = requireNonNull(protocol, "protocol");
        return this;
      }

      /** Adds hosts exposed, {@code namespace/host} or {@code host} (Istio {@code hosts}). */
      public Builder hosts(String... hosts) {
        Builders.addAll(this.hosts, hosts, "hosts");
        return this;
      }

      /** Adds hosts exposed, {@code namespace/host} or {@code host} (Istio {@code hosts}). */
      public Builder hosts(Collection<String> hosts) {
        Builders.addAll(this.hosts, hosts, "hosts");
        return this;
      }

      /** Sets the server's name (Istio {@code name}). */
      public Builder name(String name) {
        this.name = requireNonNull(name, "name");
        return this;
      }

      /** The server as set so far. */
      public Server build() {
        return new Server(portNumber, protocol, hosts, name);
      }
    }
  }

  public Gateway {
    requireNonNull(metadata, "metadata");
    selector = Copies.map(selector);
    servers = Copies.list(servers);
  }

  /**
   * A builder of a Gateway named {@code name}: namespace unset (the workload's), origin
   * {@link ConfigOrigin#PROGRAMMATIC}.
   */
  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  /** A builder pre-filled with this Gateway. */
  @Override
  public Builder toBuilder() {
    Builder b = new Builder().metadata(metadata);
    b.selector.putAll(selector);
    b.servers.addAll(servers);
    return b;
  }

  /**
   * Builds a {@link Gateway}. Lists and maps accumulate (each call adds); nested builders are
   * built when passed. No validation: the mesh checks the result as it checks YAML. Not
   * thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder implements IstioResource.ResourceBuilder<Gateway> {
    private final ObjectMeta.Builder metadata = ObjectMeta.builder();
    private final Map<String, String> selector = new LinkedHashMap<>();
    private final List<Server> servers = new ArrayList<>();

    private Builder() {}

    /** Sets the name ({@code metadata.name}). */
    @Override
    public Builder name(String name) {
      metadata.name(name);
      return this;
    }

    /**
     * Sets the namespace ({@code metadata.namespace}); unset, this Gateway belongs to the
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

    /** Adds a label of the gateway workloads (Istio {@code selector}). */
    public Builder selector(String name, String value) {
      selector.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /** Adds labels of the gateway workloads (Istio {@code selector}). */
    public Builder selector(Map<String, String> labels) {
      Builders.putAll(selector, labels, "labels");
      return this;
    }

    /** Adds servers, each a port and the hosts it exposes (Istio {@code servers}). */
    public Builder servers(Server... servers) {
      Builders.addAll(this.servers, servers, "servers");
      return this;
    }

    /** Adds servers, built now (Istio {@code servers}). */
    public Builder servers(Server.Builder... servers) {
      requireNonNull(servers, "servers");
      for (Server.Builder s : servers) {
        this.servers.add(requireNonNull(s, "servers").build());
      }
      return this;
    }

    /** Adds servers (Istio {@code servers}). */
    public Builder servers(Collection<Server> servers) {
      Builders.addAll(this.servers, servers, "servers");
      return this;
    }

    /** The Gateway as set so far. */
    @Override
    public Gateway build() {
      return new Gateway(metadata.build(), selector, servers);
    }
  }
}
