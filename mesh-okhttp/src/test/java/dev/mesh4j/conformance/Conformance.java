package dev.mesh4j.conformance;

import dev.mesh4j.conformance.Transport.Client;
import dev.mesh4j.core.Mesh;

/**
 * What every conformance test class extends: the transport it runs over, given by the module
 * that runs the suite (a {@code @Nested} subclass per test class, see {@link
 * ConformanceCompletenessTest#assertRunsTheWholeSuite}).
 */
abstract class Conformance {
  /** The transport this run of the suite goes through. */
  abstract Transport transport();

  /** A client with the transport's defaults and the mesh installed. */
  Client client(Mesh mesh) {
    return transport().client(mesh, ClientOptions.defaults());
  }

  Client client(Mesh mesh, ClientOptions options) {
    return transport().client(mesh, options);
  }
}
