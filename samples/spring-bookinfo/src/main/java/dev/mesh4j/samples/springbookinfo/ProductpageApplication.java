package dev.mesh4j.samples.springbookinfo;

import dev.mesh4j.core.ServiceRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Bookinfo's productpage as a Spring Boot application. The mesh comes from the starter and the
 * Istio YAML in {@code src/main/resources/mesh/}; the application's only mesh code is handing the
 * starter the endpoints of reviews and ratings (Kubernetes would, for a sidecar).
 *
 * <p>Run it: {@code ./mvnw -q -pl samples/spring-bookinfo -am -Pspring-demo -DskipTests package}
 * takes a short tour (requests as jason and as others, the metrics, the explain endpoint) and
 * stops; with {@code -Dbookinfo.tour=false} it keeps serving on port 9080. Actuator and the mesh4j
 * console are on the management port, 9901: {@code http://127.0.0.1:9901/actuator/meshconsole}.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class ProductpageApplication {

  public static void main(String[] args) {
    ConfigurableApplicationContext context = SpringApplication.run(ProductpageApplication.class, args);
    if (context.getEnvironment().getProperty("bookinfo.tour", Boolean.class, false)) {
      context.close();
    }
  }

  @Bean(destroyMethod = "close")
  Backends backends() {
    return new Backends();
  }

  @Bean
  ServiceRegistry serviceRegistry(Backends backends) {
    return backends.registerIn(new ServiceRegistry());
  }

  /** Where the console is: actuator's endpoint {@code meshconsole}, on the management port. */
  @Bean
  ApplicationRunner consoleAddress(Environment environment) {
    return args -> System.out.println("\nmesh4j console: http://127.0.0.1:" + managementPort(environment)
        + "/actuator/meshconsole");
  }

  static String managementPort(Environment environment) {
    return environment.getProperty("local.management.port", environment.getProperty("local.server.port", "9080"));
  }

  /** The tour: what a user would try with curl. */
  @Bean
  @ConditionalOnProperty(name = "bookinfo.tour", havingValue = "true")
  ApplicationRunner tour(Environment environment) {
    return args -> {
      String base = "http://127.0.0.1:" + environment.getProperty("local.server.port");
      String management = "http://127.0.0.1:" + managementPort(environment);
      HttpClient http = HttpClient.newHttpClient();
      System.out.println("\n== end-user: jason, five times (the jason route: reviews v2)");
      for (int i = 0; i < 5; i++) {
        System.out.println("  " + get(http, base + "/productpage", "jason"));
      }
      Map<String, Integer> seen = new TreeMap<>();
      for (int i = 0; i < 200; i++) {
        seen.merge(get(http, base + "/productpage", null).replaceAll(".*<- (reviews-v\\d).*", "$1"), 1, Integer::sum);
      }
      System.out.println("\n== anyone else, 200 times (the canary split, 10/10/80): " + seen);
      System.out.println("\n== GET /actuator/prometheus | grep istio_requests_total");
      get(http, management + "/actuator/prometheus", null).lines().filter(l -> l.startsWith("istio_requests_total"))
          .forEach(l -> System.out.println("  " + l));
      System.out.println("\n== GET /actuator/mesh/explain?url=http://reviews:9080/reviews/0&header=end-user:jason");
      System.out.println(get(http, management + "/actuator/mesh/explain?url=http://reviews:9080/reviews/0&header=end-user:jason", null)
          .replaceAll("^\\{\"text\":\"(.*?)\",\"explanation\".*$", "$1").replace("\\n", "\n").replace("\\\"", "\""));
    };
  }

  private static String get(HttpClient http, String url, @Nullable String user) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (user != null) {
      b.header("end-user", user);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
