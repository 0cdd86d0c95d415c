package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One {@code match} entry of a {@link TcpRoute} (Istio {@code L4MatchAttributes}): every set field
 * must hold (AND).
 *
 * @param destinationSubnets IPv4 or IPv6 addresses or CIDR blocks the connection's destination
 *     must be in; empty for any
 * @param port the service port the connection is for, or null for any
 * @param sourceLabels labels the calling workload must carry
 * @param gateways the gateways the calling workload must act as
 * @param sourceNamespace the namespace the calling workload must be in
 */
public record L4MatchAttributes(
    List<String> destinationSubnets,
    @Nullable Integer port,
    Map<String, String> sourceLabels,
    List<String> gateways,
    @Nullable String sourceNamespace) {

  public L4MatchAttributes {
    destinationSubnets = Copies.list(destinationSubnets);
    sourceLabels = Copies.map(sourceLabels);
    gateways = Copies.list(gateways);
  }

  /** A builder of a match that, until given conditions, matches every connection. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this match. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.destinationSubnets.addAll(destinationSubnets);
    b.port = port;
    b.sourceLabels.putAll(sourceLabels);
    b.gateways.addAll(gateways);
    b.sourceNamespace = sourceNamespace;
    return b;
  }

  /**
   * Builds an {@link L4MatchAttributes}. Maps and lists accumulate; other setters replace. No
   * validation. Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private final List<String> destinationSubnets = new ArrayList<>();
    private @Nullable Integer port;
    private final Map<String, String> sourceLabels = new LinkedHashMap<>();
    private final List<String> gateways = new ArrayList<>();
    private @Nullable String sourceNamespace;

    private Builder() {}

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
    public L4MatchAttributes build() {
      return new L4MatchAttributes(destinationSubnets, port, sourceLabels, gateways, sourceNamespace);
    }
  }
}
