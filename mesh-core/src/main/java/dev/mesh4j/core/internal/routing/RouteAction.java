package dev.mesh4j.core.internal.routing;

import dev.mesh4j.api.config.HttpDirectResponse;
import dev.mesh4j.api.config.HttpRedirect;
import java.util.List;

/** What a matched route does. */
public sealed interface RouteAction {

  /** Forward to one of weighted destinations (Envoy's weighted clusters). */
  record Forward(List<CompiledDestination> destinations, long[] upperBounds, long totalWeight)
      implements RouteAction {

    /** Envoy's pick: {@code random % total}, then the first cumulative range containing it. */
    public CompiledDestination pick(long random) {
      if (destinations.size() == 1) {
        return destinations.get(0);
      }
      long sel = Long.remainderUnsigned(random, totalWeight);
      for (int i = 0; i < upperBounds.length; i++) {
        if (sel < upperBounds[i]) {
          return destinations.get(i);
        }
      }
      return destinations.get(destinations.size() - 1);
    }
  }

  /** Answer with a redirect. */
  record Redirect(HttpRedirect redirect, HeaderTemplate responseHeaders) implements RouteAction {}

  /** Answer with a fixed response. */
  record Direct(HttpDirectResponse response, HeaderTemplate responseHeaders) implements RouteAction {}
}
