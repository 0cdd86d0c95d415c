package dev.mesh4j.spring.autoconfigure;

import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import java.util.Map;

/**
 * reviews v1 and v2 as loopback servers, registered as {@code reviews:9080}: with the fixture
 * {@code classpath:mesh/reviews.yaml}, {@code end-user: jason} reaches v2 and anyone else v1.
 */
public final class ReviewsBackends implements AutoCloseable {
  public final LoopbackBackend v1 = LoopbackBackend.start("reviews-v1", Map.of("app", "reviews", "version", "v1"));
  public final LoopbackBackend v2 = LoopbackBackend.start("reviews-v2", Map.of("app", "reviews", "version", "v2"));

  /** Registers both as the endpoints of {@code reviews:9080}. */
  public ServiceRegistry registerIn(ServiceRegistry registry) {
    return registry.register("reviews", 9080, v1.endpoint(), v2.endpoint());
  }

  @Override
  public void close() {
    v1.close();
    v2.close();
  }
}
