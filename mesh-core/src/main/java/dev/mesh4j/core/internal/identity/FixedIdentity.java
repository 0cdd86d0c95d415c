package dev.mesh4j.core.internal.identity;

import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.api.spi.IdentitySource;

/** An identity given in code ({@code Mesh.builder().identity(identity)}): delivered once, at start. */
public record FixedIdentity(WorkloadIdentity identity) implements IdentitySource {
  @Override
  public String name() {
    return "code";
  }

  @Override
  public void start(Context context) {
    context.update(identity);
  }
}
