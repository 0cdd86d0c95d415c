package dev.mesh4j.istiod.internal;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * {@code authorization: Bearer <token>} with the pod's projected service-account token, read from
 * its file for every call: the kubelet rotates it in place. Only over a connection with privacy and
 * integrity (TLS, or in-process): over plain text the call fails {@code UNAUTHENTICATED} and the
 * token is not sent, as gRPC's own token credentials and Istio's agent refuse it. Thread-safe.
 */
public final class TokenCredentials extends CallCredentials {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private final Path file;

  public TokenCredentials(Path file) {
    this.file = file;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("the service-account token (" + file
          + ") is sent only over TLS, and the connection to " + info.getAuthority() + " is "
          + info.getSecurityLevel()));
      return;
    }
    executor.execute(() -> {
      try {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + Files.readString(file, StandardCharsets.UTF_8).trim());
        applier.apply(headers);
      } catch (IOException e) {
        applier.fail(Status.UNAUTHENTICATED.withDescription("token " + file + ": " + e.getMessage()));
      }
    });
  }

  @Override
  public String toString() {
    return "token " + file;
  }
}
