package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class EndpointUrlsTest {
  private final EndpointUrls urls = new EndpointUrls();

  @Test
  void anAttemptUrlIsTheOneRebuildingTheApplicationsUrlGives() {
    List<String> apps = List.of(
        "http://reviews:9080/reviews/1",
        "http://reviews:9080/",
        "http://reviews/a/b/?x=1&y=%20z&x=2",
        "http://reviews:9080/caf%C3%A9/%2F/a+b?q=a+b&empty=&flag",
        "http://reviews:9080/a//b/?",
        "https://reviews.default.svc.cluster.local/p;m=1/%7Euser?q=%E2%82%AC#");
    List<Endpoint> endpoints = List.of(Endpoint.of("10.0.0.7", 8080), Endpoint.of("::1", 9443),
        Endpoint.of("pod-1.reviews.example", 80));
    for (String a : apps) {
      HttpUrl app = HttpUrl.get(a);
      for (Endpoint e : endpoints) {
        for (String scheme : List.of("http", "https")) {
          for (String path : List.of(app.encodedPath(), "/rewritten/%20x/", "//double")) {
            HttpUrl rebuilt = app.newBuilder().scheme(scheme).host(e.address()).port(e.port()).encodedPath(path).build();
            HttpUrl fast = urls.attemptUrl(app, e, scheme, path, app.encodedQuery());
            if (app.encodedFragment() != null) {
              assertThat(fast).as(a).isNull();
            } else {
              assertThat(fast).as(a + " to " + e + " " + scheme + " " + path).isEqualTo(rebuilt);
              assertThat(fast.toString()).isEqualTo(rebuilt.toString());
            }
          }
        }
      }
    }
  }

  @Test
  void userInfoAndRelativePathsAreLeftToTheCaller() {
    Endpoint e = Endpoint.of("10.0.0.7", 8080);
    assertThat(urls.attemptUrl(HttpUrl.get("http://u:p@reviews/a"), e, "http", "/a", null)).isNull();
    assertThat(urls.attemptUrl(HttpUrl.get("http://reviews/a"), e, "http", "a", null)).isNull();
  }

  @Test
  void anEndpointsUrlIsBuiltOnceAndReused() {
    Endpoint e = Endpoint.of("10.0.0.7", 8080);
    HttpUrl first = urls.base(e, "http");
    assertThat(first.toString()).isEqualTo("http://10.0.0.7:8080/");
    for (int i = 0; i < 10; i++) {
      assertThat(urls.base(e, "http")).isSameAs(first);
    }
    assertThat(urls.base(e, "https")).isNotSameAs(first).hasToString("https://10.0.0.7:8080/");
    // Another endpoint of equal value is another registration: its own entry, the same URL.
    assertThat(urls.base(Endpoint.of("10.0.0.7", 8080), "http")).isEqualTo(first);
  }
}
