package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

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
}
