package dev.mesh4j.okhttp;

import java.io.IOException;

/**
 * A connection, or a name lookup for one, that the mesh refused because it was not to the address
 * the mesh chose for the request. It reaches the application as is: nothing was sent, and the
 * mesh does not retry it.
 */
final class EgressRefusedException extends IOException {
  EgressRefusedException(String message) {
    super(message);
  }
}
