package dev.mesh4j.conformance;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The conformance suite over the JDK HttpClient ({@code MeshJdkHttp}). */
class JdkHttpConformanceTest {
  static final Transport JDK = new JdkHttpTransport();

  @Test
  void runsTheWholeSuite() {
    ConformanceCompletenessTest.assertRunsTheWholeSuite(JdkHttpConformanceTest.class);
  }

  @Nested
  class BookinfoTests extends BookinfoConformance {
    @Override
    Transport transport() {
      return JDK;
    }
  }

  @Nested
  class ExternalTests extends ExternalConformance {
    @Override
    Transport transport() {
      return JDK;
    }
  }

  @Nested
  class GatewaysTests extends GatewaysConformance {
    @Override
    Transport transport() {
      return JDK;
    }
  }

  @Nested
  class PilotTestdataTests extends PilotTestdataConformance {
    @Override
    Transport transport() {
      return JDK;
    }
  }

  @Nested
  class LoadBalancerTests extends LoadBalancerConformance {
    @Override
    Transport transport() {
      return JDK;
    }
  }
}
