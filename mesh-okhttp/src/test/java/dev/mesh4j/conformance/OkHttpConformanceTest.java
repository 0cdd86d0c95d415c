package dev.mesh4j.conformance;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The conformance suite over OkHttp ({@code MeshOkHttp}). */
class OkHttpConformanceTest {
  static final Transport OKHTTP = new OkHttpTransport();

  @Test
  void runsTheWholeSuite() {
    ConformanceCompletenessTest.assertRunsTheWholeSuite(OkHttpConformanceTest.class);
  }

  @Nested
  class BookinfoTests extends BookinfoConformance {
    @Override
    Transport transport() {
      return OKHTTP;
    }
  }

  @Nested
  class ExternalTests extends ExternalConformance {
    @Override
    Transport transport() {
      return OKHTTP;
    }
  }

  @Nested
  class GatewaysTests extends GatewaysConformance {
    @Override
    Transport transport() {
      return OKHTTP;
    }
  }

  @Nested
  class PilotTestdataTests extends PilotTestdataConformance {
    @Override
    Transport transport() {
      return OKHTTP;
    }
  }

  @Nested
  class LoadBalancerTests extends LoadBalancerConformance {
    @Override
    Transport transport() {
      return OKHTTP;
    }
  }
}
