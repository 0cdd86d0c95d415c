package dev.mesh4j.samples.bookinfo;

import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.StringMatch;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.VirtualService;

/**
 * Bookinfo's reviews canary written in Java instead of YAML: the same resources
 * {@code destination-rule-all.yaml} and {@code virtual-service-reviews-canary-10-10-80.yaml}
 * declare, built with the model's builders, validated as YAML is.
 */
final class CanaryInJava {
  private CanaryInJava() {}

  /** reviews: subsets v1–v3 by {@code version}; jason → v2; everyone else 10% v1, 10% v2, 80% v3. */
  static MeshConfig canary() {
    return MeshConfig.builder()
        .add(DestinationRule.builder("reviews")
            .host("reviews")
            .subsets(
                Subset.builder().name("v1").label("version", "v1"),
                Subset.builder().name("v2").label("version", "v2"),
                Subset.builder().name("v3").label("version", "v3")))
        .add(VirtualService.builder("reviews")
            .hosts("reviews")
            .http(HttpRoute.builder()
                .name("jason")
                .match(HttpMatchRequest.builder().header("end-user", StringMatch.exact("jason")))
                .route(Destination.of("reviews", "v2")))
            .http(HttpRoute.builder()
                .name("canary")
                .route(Destination.of("reviews", "v1"), 10)
                .route(Destination.of("reviews", "v2"), 10)
                .route(Destination.of("reviews", "v3"), 80)))
        .build();
  }
}
