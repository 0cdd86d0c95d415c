package dev.mesh4j.kubernetes;

import dev.mesh4j.api.endpoint.TrafficDistribution;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What mesh4j keeps of a Kubernetes Service: far less than the object, so that ten thousand
 * services cost little. Immutable.
 *
 * @param externalName the {@code spec.externalName} of an {@code ExternalName} service, else null
 * @param ports the service ports
 * @param exportTo Istio's {@code networking.istio.io/exportTo} annotation, split; empty for all
 * @param publishNotReadyAddresses whether endpoints that are not ready still receive traffic
 * @param trafficDistribution {@code spec.trafficDistribution}, else Istio's annotation
 *     ({@link KubernetesObjects#trafficDistribution})
 */
record ServiceInfo(
    String namespace, String name, @Nullable String externalName, List<Port> ports, List<String> exportTo,
    boolean publishNotReadyAddresses, TrafficDistribution trafficDistribution) {

  ServiceInfo {
    ports = List.copyOf(ports);
    exportTo = List.copyOf(exportTo);
  }

  /**
   * A service port.
   *
   * @param name the port's name; empty when the service has a single unnamed port
   * @param protocol the protocol, as {@link ServiceProtocols} derives it
   * @param targetPort the numeric {@code targetPort}, or null when it names a container port (the
   *     EndpointSlice then carries the number)
   */
  record Port(String name, int number, String protocol, @Nullable Integer targetPort) {}
}
