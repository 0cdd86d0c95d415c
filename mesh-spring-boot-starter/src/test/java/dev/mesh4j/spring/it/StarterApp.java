package dev.mesh4j.spring.it;

import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.spring.autoconfigure.ReviewsBackends;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A small productpage: it calls reviews with Boot's RestClient.Builder, from @Async and with Boot's
 * WebClient.Builder, and never copies a header.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableAsync
@Import({StarterApp.Pages.class, StarterApp.AsyncReviews.class})
public class StarterApp {
  static final ReviewsBackends REVIEWS = new ReviewsBackends();

  @Bean
  ServiceRegistry serviceRegistry() {
    return REVIEWS.registerIn(new ServiceRegistry());
  }

  @Bean
  RestClient reviewsClient(RestClient.Builder builder) {
    return builder.baseUrl("http://reviews:9080").build();
  }

  /** Calls reviews on a task executor thread. */
  @Service
  public static class AsyncReviews {
    private final RestClient reviews;

    public AsyncReviews(RestClient reviews) {
      this.reviews = reviews;
    }

    @Async
    public CompletableFuture<String> review() {
      return CompletableFuture.completedFuture(reviews.get().uri("/reviews/1").retrieve().body(String.class));
    }
  }

  /** The pages. */
  @RestController
  public static class Pages {
    private final RestClient reviews;
    private final AsyncReviews async;
    private final WebClient webClient;

    public Pages(RestClient reviews, AsyncReviews async, WebClient.Builder webClient) {
      this.reviews = reviews;
      this.async = async;
      this.webClient = webClient.build();
    }

    @GetMapping("/productpage")
    String productpage() {
      return reviews.get().uri("/reviews/1").retrieve().body(String.class);
    }

    @GetMapping("/async")
    String viaAsync() throws Exception {
      return async.review().get();
    }

    @GetMapping("/webclient")
    String viaWebClient() {
      return webClient.get().uri("http://reviews:9080/reviews/1").retrieve().bodyToMono(String.class).block();
    }
  }
}
