package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One {@code match} entry of a {@link TlsRoute} (Istio {@code TLSMatchAttributes}): every set field
 * must hold (AND). The server name (SNI) the client sends is the host of its {@code https} URL.
 *
 * @param sniHosts the server names (SNI) to match: exact names or wildcards such as
 *     {@code *.example.com}; each must be one of the VirtualService's hosts or within one
 * @param destinationSubnets IPv4 or IPv6 addresses or CIDR blocks the connection's destination
 *     must be in; empty for any
 * @param port the service port the connection is for, or null for any
 * @param sourceLabels labels the calling workload must carry
 * @param gateways the gateways the calling workload must act as
 * @param sourceNamespace the namespace the calling workload must be in
 */
public record TlsMatchAttributes(
    List<String> sniHosts,
    List<String> destinationSubnets,
    @Nullable Integer port,
    Map<String, String> sourceLabels,
    List<String> gateways,
    @Nullable String sourceNamespace) {

  public TlsMatchAttributes {
    sniHosts = Copies.list(sniHosts);
    destinationSubnets = Copies.list(destinationSubnets);
    sourceLabels = Copies.map(sourceLabels);
    gateways = Copies.list(gateways);
  }

  /** A builder of a match; at least one SNI host is required for it to be valid. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this match. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.sniHosts.addAll(sniHosts);
    b.destinationSubnets.addAll(destinationSubnets);
    b.port = port;
    b.sourceLabels.putAll(sourceLabels);
    b.gateways.addAll(gateways);
    b.sourceNamespace = sourceNamespace;
    return b;
  }

  /**
   * Builds an {@link TlsMatchAttributes}. Maps and lists accumulate; other setters replace. No
   * validation. Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private final List<String> sniHosts = new ArrayList<>();
    private final List<String> destinationSubnets = new ArrayList<>();
    private @Nullable Integer port;
    private final Map<String, String> sourceLabels = new LinkedHashMap<>();
    private final List<String> gateways = new ArrayList<>();
    private @Nullable String sourceNamespace;

    private Builder() {}

    /** Adds server names to match, exact or wildcard (Istio {@code sniHosts}). */
    public Builder sniHosts(String... sniHosts) {
      Builders.addAll(this.sniHosts, sniHosts, "sniHosts");
      return this;
    }

    /** Adds server names to match, exact or wildcard (Istio {@code sniHosts}). */
    public Builder sniHosts(Collection<String> sniHosts) {
      Builders.addAll(this.sniHosts, sniHosts, "sniHosts");
      return this;
    }

    /** Adds subnets the destination address must be in (Istio {@code destinationSubnets}). */
    public Builder destinationSubnets(String... subnets) {
      Builders.addAll(destinationSubnets, subnets, "subnets");
      return this;
    }

    /** Adds subnets the destination address must be in (Istio {@code destinationSubnets}). */
    public Builder destinationSubnets(Collection<String> subnets) {
      Builders.addAll(destinationSubnets, subnets, "subnets");
      return this;
    }

    /** Matches the service port addressed (Istio {@code port}); 0 means unset, as in Istio. */
    public Builder port(int port) {
      this.port = Builders.zeroIsUnset(port);
      return this;
    }

    /** Adds a label the calling workload must carry (Istio {@code sourceLabels}). */
    public Builder sourceLabel(String name, String value) {
      sourceLabels.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /** Adds labels the calling workload must carry (Istio {@code sourceLabels}). */
    public Builder sourceLabels(Map<String, String> sourceLabels) {
      Builders.putAll(this.sourceLabels, sourceLabels, "sourceLabels");
      return this;
    }

    /** Adds gateways the calling workload must act as (Istio {@code gateways}). */
    public Builder gateways(String... gateways) {
      Builders.addAll(this.gateways, gateways, "gateways");
      return this;
    }

    /** Adds gateways the calling workload must act as (Istio {@code gateways}). */
    public Builder gateways(Collection<String> gateways) {
      Builders.addAll(this.gateways, gateways, "gateways");
      return this;
    }

    /**
     * Sets the namespace the calling workload must be in (Istio {@code sourceNamespace}); empty
     * means unset, as in Istio.
     */
    public Builder sourceNamespace(String sourceNamespace) {
      this.sourceNamespace = Builders.emptyIsUnset(sourceNamespace, "sourceNamespace");
      return this;
    }

    /** The match as set so far. */
    public TlsMatchAttributes build() {
      return new TlsMatchAttributes(sniHosts, destinationSubnets, port, sourceLabels, gateways, sourceNamespace);
    }
  }
}
