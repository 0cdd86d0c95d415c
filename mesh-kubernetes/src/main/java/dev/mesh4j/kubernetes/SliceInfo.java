package dev.mesh4j.kubernetes;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What mesh4j keeps of an EndpointSlice. Immutable.
 *
 * @param serviceName the service the slice belongs to (label {@code kubernetes.io/service-name})
 * @param ports the slice's ports: service port name to the port the endpoints listen on
 * @param endpoints the endpoints
 */
record SliceInfo(String serviceName, List<Port> ports, List<Address> endpoints) {

  SliceInfo {
    ports = List.copyOf(ports);
    endpoints = List.copyOf(endpoints);
  }

  /** A slice port: the service port's name (empty when unnamed) and the endpoints' port. */
  record Port(String name, int number) {}

  /**
   * One endpoint of a slice.
   *
   * @param address its first address (Kubernetes: consumers use the first)
   * @param ready whether it is ready ({@code conditions.ready}, unset meaning ready); a
   *     terminating endpoint is not ready and receives no new requests, as Envoy drains it
   * @param pod the name of the Pod behind it ({@code targetRef}), or null
   * @param nodeName the node it runs on, or null
   * @param zone its zone, or null
   */
  record Address(String address, boolean ready, @Nullable String pod, @Nullable String nodeName,
      @Nullable String zone) {}
}
