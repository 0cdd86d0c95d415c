package dev.mesh4j.core.internal.lb.hash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * XXH64 as Envoy's {@code HashUtil::xxHash64} computes it. Expected values: Envoy's own
 * {@code test/common/common/hash_test.cc TEST(Hash, xxHash)}, and the reference-C values in
 * {@code envoy-vectors.json} (see its {@code provenance} field).
 */
class XxHash64Test {

  static JsonNode vectors() throws IOException {
    try (InputStream in = XxHash64Test.class.getResourceAsStream(
        "/dev/mesh4j/core/internal/lb/envoy-vectors.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  static long unsigned(JsonNode decimal) {
    return Long.parseUnsignedLong(decimal.asText());
  }

  @Test
  void matchesEnvoysHashTest() {
    assertThat(XxHash64.hash("foo")).isEqualTo(Long.parseUnsignedLong("3728699739546630719"));
    assertThat(XxHash64.hash("bar")).isEqualTo(Long.parseUnsignedLong("5234164152756840025"));
    assertThat(XxHash64.hash("foo\nbar")).isEqualTo(Long.parseUnsignedLong("8917841378505826757"));
    assertThat(XxHash64.hash("lyft")).isEqualTo(Long.parseUnsignedLong("4400747396090729504"));
    assertThat(XxHash64.hash("")).isEqualTo(Long.parseUnsignedLong("17241709254077376921"));
  }

  @Test
  void matchesReferenceXxh64WithSeedsZeroAndOne() throws IOException {
    for (JsonNode v : vectors().get("xxh64")) {
      String input = v.get("input").asText();
      assertThat(XxHash64.hash(input)).as("seed 0 of \"%s\"", input).isEqualTo(unsigned(v.get("seed0")));
      assertThat(XxHash64.hash(input, 1)).as("seed 1 of \"%s\"", input).isEqualTo(unsigned(v.get("seed1")));
      byte[] b = ("xx" + input).getBytes(StandardCharsets.UTF_8);
      assertThat(XxHash64.hash(b, 2, b.length - 2)).isEqualTo(unsigned(v.get("seed0")));
    }
  }

  @Test
  void requestKeysHashAsTheirUtf8Bytes() throws IOException {
    for (JsonNode v : vectors().get("request_hashes")) {
      assertThat(XxHash64.hash(v.get("key").asText())).isEqualTo(unsigned(v.get("hash")));
    }
  }
}
