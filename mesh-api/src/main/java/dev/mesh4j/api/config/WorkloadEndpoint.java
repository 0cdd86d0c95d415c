package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A workload's address and attributes: a ServiceEntry's inline endpoint or the spec of a
 * WorkloadEntry.
 *
 * @param address an IP address or host name
 * @param ports service port name to endpoint port
 * @param labels the workload's labels (subsets select on these)
 * @param network the network the workload is in
 * @param locality the workload's locality
 * @param weight the load-balancing weight, or null for 1
 * @param serviceAccount the workload's service account
 */
public record WorkloadEndpoint(
    String address,
    Map<String, Integer> ports,
    Map<String, String> labels,
    @Nullable String network,
    @Nullable String locality,
    @Nullable Integer weight,
    @Nullable String serviceAccount) {

  public WorkloadEndpoint {
    requireNonNull(address, "address");
    ports = Copies.map(ports);
    labels = Copies.map(labels);
  }

  /** A builder of an endpoint; the address is empty (and so invalid) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this endpoint. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.address = address;
    b.ports.putAll(ports);
    b.labels.putAll(labels);
    b.network = network;
    b.locality = locality;
    b.weight = weight;
    b.serviceAccount = serviceAccount;
    return b;
  }

  /**
   * Builds a {@link WorkloadEndpoint}. Ports and labels accumulate; other setters replace. No
   * validation. Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private String address = "";
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private @Nullable String network;
    private @Nullable String locality;
    private @Nullable Integer weight;
    private @Nullable String serviceAccount;

    private Builder() {}

    /** Sets the IP address or host name (Istio {@code address}). */
    public Builder address(String address) {
      this.address = requireNonNull(address, "address");
      return this;
    }

    /** Maps a service port, by name, to this endpoint's port (Istio {@code ports}). */
    public Builder port(String name, int number) {
      ports.put(requireNonNull(name, "name"), number);
      return this;
    }

    /** Maps service ports, by name, to this endpoint's ports (Istio {@code ports}). */
    public Builder ports(Map<String, Integer> ports) {
      Builders.putAll(this.ports, ports, "ports");
      return this;
    }

    /** Adds a label of the workload; subsets select on these (Istio {@code labels}). */
    public Builder label(String name, String value) {
      labels.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /** Adds labels of the workload; subsets select on these (Istio {@code labels}). */
    public Builder labels(Map<String, String> labels) {
      Builders.putAll(this.labels, labels, "labels");
      return this;
    }

    /** Sets the network the workload is in (Istio {@code network}). */
    public Builder network(String network) {
      this.network = requireNonNull(network, "network");
      return this;
    }

    /** Sets the workload's locality, {@code region/zone/subzone} (Istio {@code locality}). */
    public Builder locality(String locality) {
      this.locality = requireNonNull(locality, "locality");
      return this;
    }

    /** Sets the load-balancing weight (Istio {@code weight}); 1 unless set, and 0 means unset. */
    public Builder weight(int weight) {
      this.weight = Builders.zeroIsUnset(weight);
      return this;
    }

    /** Sets the workload's service account (Istio {@code serviceAccount}). */
    public Builder serviceAccount(String serviceAccount) {
      this.serviceAccount = requireNonNull(serviceAccount, "serviceAccount");
      return this;
    }

    /** The endpoint as set so far. */
    public WorkloadEndpoint build() {
      return new WorkloadEndpoint(address, ports, labels, network, locality, weight,
          serviceAccount);
    }
  }
}
