package dev.mesh4j.api.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves host names for DNS-resolved services ({@code ServiceEntry} with
 * {@code resolution: DNS}). Called off the request path, on refresh. Must be thread-safe.
 */
@FunctionalInterface
public interface DnsResolver {

  /**
   * The addresses of a host name, in the order the resolver returned them.
   *
   * @throws UnknownHostException when the name does not resolve
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /** The JVM's resolver ({@link InetAddress#getAllByName(String)}). */
  static DnsResolver system() {
    return host -> List.of(InetAddress.getAllByName(host));
  }
}
