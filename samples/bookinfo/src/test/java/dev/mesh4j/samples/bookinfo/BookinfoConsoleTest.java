package dev.mesh4j.samples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.console.MeshConsole;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** What -Dmesh.console=true starts: the console on the demo's mesh, live with its traffic. */
class BookinfoConsoleTest {

  @Test
  void theDemosConsoleServesThePageAndTheScenesTraffic() throws Exception {
    try (Bookinfo bookinfo = new Bookinfo(); MeshConsole.Server server = BookinfoDemo.startConsole(bookinfo)) {
      assertThat(server.uri().toString()).startsWith("http://127.0.0.1:");
      bookinfo.run(i -> Bookinfo.get(Bookinfo.REVIEWS), 20);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(server.uri()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.body()).contains("<title>mesh4j console</title>");
      HttpResponse<String> state = http.send(HttpRequest.newBuilder(server.uri().resolve("/state")).build(),
          HttpResponse.BodyHandlers.ofString());
      // All traffic to v1 (virtual-service-all-v1.yaml): 20 requests on reviews' v1 subset.
      assertThat(state.body()).contains("\"workload\":{\"name\":\"productpage-v1\"")
          .contains("\"cluster\":\"outbound|9080|v1|reviews.default.svc.cluster.local\"")
          .contains("\"stats\":{\"requests\":20,");
    }
  }
}
