package dev.mesh4j.samples.springbookinfo;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * Bookinfo's product page: it asks reviews and ratings, and copies no header. The starter carries
 * the inbound request's {@code end-user}, {@code x-request-id} and trace to both calls, so the
 * VirtualService's {@code end-user: jason} route works one hop down.
 */
@RestController
class ProductpageController {
  private final RestClient client;

  ProductpageController(RestClient.Builder builder) {
    this.client = builder.build();
  }

  @GetMapping("/productpage")
  String productpage() {
    String reviews = client.get().uri("http://reviews:9080/reviews/0").retrieve().body(String.class);
    String ratings = client.get().uri("http://ratings:9080/ratings/0").retrieve().body(String.class);
    return "productpage-v1 <- " + reviews + ", " + ratings;
  }
}
