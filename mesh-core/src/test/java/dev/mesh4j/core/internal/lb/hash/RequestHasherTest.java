package dev.mesh4j.core.internal.lb.hash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.ConsistentHashLb.Attribute;
import dev.mesh4j.api.config.ConsistentHashLb.HttpCookie;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.http.MeshRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Request hashing as Envoy's {@code hash_policy.cc} does it. Expected values come from
 * {@code envoy-vectors.json} ({@code composition}, {@code generated_cookie}; see its
 * {@code provenance}) or are XXH64 of the bytes Envoy hashes.
 */
class RequestHasherTest {
  static final RandomSource RANDOM = RandomSource.seeded(3);

  static ConsistentHashLb header(String name) {
    return new ConsistentHashLb(name, null, false, null, null, null, false);
  }

  static ConsistentHashLb cookie(String name, @org.jspecify.annotations.Nullable Duration ttl) {
    return cookie(new HttpCookie(name, "/", ttl, List.of()));
  }

  static ConsistentHashLb cookie(HttpCookie c) {
    return new ConsistentHashLb(null, c, false, null, null, null, false);
  }

  static ConsistentHashLb query(String name) {
    return new ConsistentHashLb(null, null, false, name, null, null, false);
  }

  static ConsistentHashLb sourceIp() {
    return new ConsistentHashLb(null, null, true, null, null, null, false);
  }

  static RequestHasher hasher(ConsistentHashLb... policies) {
    RequestHasher h = RequestHasher.of(List.of(policies), "10.1.2.3");
    assertThat(h).isNotNull();
    return h;
  }

  /** A RandomSource whose nextLong() is fixed, to generate a known cookie value. */
  static RandomSource fixedLong(long value) {
    return new RandomSource() {
      @Override
      public int nextInt(int bound) {
        return 0;
      }

      @Override
      public long nextLong(long bound) {
        return 0;
      }

      @Override
      public long nextLong() {
        return value;
      }
    };
  }

  @Test
  void headerHashIsXxh64OfTheValue() throws IOException {
    JsonNode c = XxHash64Test.vectors().get("composition");
    MeshRequest r = MeshRequest.builder("http://reviews:9080/r").header("X-User", "jason").build();
    RequestHash h = hasher(header("x-user")).hash(r, RANDOM);
    assertThat(h.present()).isTrue();
    assertThat(h.value()).isEqualTo(XxHash64Test.unsigned(c.get("single_jason")));
    assertThat(h.setCookies()).isEmpty();
    assertThat(hasher(header("X-USER")).hash(r, RANDOM)).isEqualTo(h);
  }

  @Test
  void absentHeaderGivesNoHash() {
    MeshRequest r = MeshRequest.builder("http://reviews:9080/r").build();
    assertThat(hasher(header("x-user")).hash(r, RANDOM)).isEqualTo(RequestHash.NONE);
  }

  @Test
  void duplicatePoliciesCombineAsEnvoyDoes() throws IOException {
    JsonNode c = XxHash64Test.vectors().get("composition");
    MeshRequest r = MeshRequest.builder("http://reviews:9080/r").header("x-user", "jason")
        .header("cookie", "a=b; session=user-1").build();
    assertThat(hasher(header("x-user"), header("x-user")).hash(r, RANDOM).value())
        .isEqualTo(XxHash64Test.unsigned(c.get("dup_policy_jason")));
    assertThat(hasher(header("x-user"), cookie("session", null)).hash(r, RANDOM).value())
        .isEqualTo(XxHash64Test.unsigned(c.get("header_jason_then_cookie_user1")));
    // A policy without a value neither rotates nor changes the accumulated hash.
    assertThat(hasher(query("absent"), header("x-user")).hash(r, RANDOM).value())
        .isEqualTo(XxHash64Test.unsigned(c.get("single_jason")));
  }

  @Test
  void pseudoHeadersReadTheRequestLine() {
    MeshRequest r = MeshRequest.builder("http://reviews:9080/r/1?x=1").build();
    assertThat(hasher(header(":path")).hash(r, RANDOM).value()).isEqualTo(XxHash64.hash("/r/1?x=1"));
    assertThat(hasher(header(":authority")).hash(r, RANDOM).value())
        .isEqualTo(XxHash64.hash(r.authority()));
    assertThat(hasher(header(":method")).hash(r, RANDOM).value()).isEqualTo(XxHash64.hash("GET"));
  }

  @Test
  void cookieValueIsParsedAsEnvoyDoes() {
    assertThat(Cookies.value("a=1; session=\"abc\"; b=2", "session")).isEqualTo("abc");
    assertThat(Cookies.value("session=x=y", "session")).isEqualTo("x=y");
    assertThat(Cookies.value("Session=1", "session")).isNull();
    assertThat(Cookies.value("flag; session=2", "session")).isEqualTo("2");
    assertThat(Cookies.value("session=; session=3", "session")).isEmpty();
    assertThat(Cookies.value("session=\"", "session")).isEqualTo("\"");
    assertThat(Cookies.value("a=1,session=4", "session")).as("second cookie header").isEqualTo("4");
    assertThat(Cookies.value(null, "session")).isNull();
  }

  @Test
  void presentCookieIsHashedWithoutSetCookie() {
    MeshRequest r = MeshRequest.builder("http://reviews:9080/r").header("cookie", "session=user-1")
        .build();
    RequestHash h = hasher(cookie("session", Duration.ofHours(1))).hash(r, RANDOM);
    assertThat(h.value()).isEqualTo(XxHash64.hash("user-1"));
    assertThat(h.setCookies()).isEmpty();
  }

  @Test
  void missingCookieWithTtlIsGeneratedAndSetAsEnvoyFormatsIt() throws IOException {
    JsonNode g = XxHash64Test.vectors().get("generated_cookie");
    long value = Long.parseUnsignedLong(g.get("value").asText(), 16);
    MeshRequest r = MeshRequest.builder("http://reviews:9080/r").build();

    RequestHash h = hasher(cookie("session-id", Duration.ofSeconds(3600))).hash(r, fixedLong(value));
    assertThat(h.value()).isEqualTo(XxHash64Test.unsigned(g.get("hash")));
    assertThat(h.setCookies()).containsExactly(g.get("set_cookie_ttl3600_path_root").asText());

    HttpCookie session = new HttpCookie("session-id", null, Duration.ZERO, List.of());
    assertThat(hasher(cookie(session)).hash(r, fixedLong(value)).setCookies())
        .containsExactly(g.get("set_cookie_ttl0").asText());

    HttpCookie attrs = new HttpCookie("session-id", "/api", Duration.ofSeconds(60),
        List.of(new Attribute("SameSite", "Strict"), new Attribute("Secure", null)));
    assertThat(hasher(cookie(attrs)).hash(r, fixedLong(value)).setCookies())
        .containsExactly(g.get("set_cookie_ttl60_attrs").asText());
  }

  @Test
  void generatedCookieIsSixteenLowercaseHexDigitsAndSubSecondTtlIsASessionCookie() {
    MeshRequest r = MeshRequest.builder("http://reviews:9080/r").header("cookie", "session=")
        .build();
    RequestHash h = hasher(cookie("session", Duration.ofMillis(500))).hash(r, fixedLong(0x1aL));
    assertThat(h.setCookies()).containsExactly("session=\"000000000000001a\"; Path=/; HttpOnly");
    assertThat(h.value()).isEqualTo(XxHash64.hash("000000000000001a"));
  }

  @Test
  void duplicateCookiePoliciesShareOneGeneratedCookie() {
    MeshRequest r = MeshRequest.builder("http://reviews:9080/r").build();
    RequestHash h = hasher(cookie("s", Duration.ofSeconds(5)), cookie("s", Duration.ofSeconds(5)))
        .hash(r, RandomSource.seeded(1));
    assertThat(h.setCookies()).hasSize(1);
    long single = XxHash64.hash(h.setCookies().get(0).substring(3, 19));
    assertThat(h.value()).isEqualTo(Long.rotateLeft(single, 1) ^ single);
  }

  @Test
  void missingCookieWithoutTtlGivesNoHash() {
    MeshRequest r = MeshRequest.builder("http://reviews:9080/r").build();
    assertThat(hasher(cookie("session", null)).hash(r, RANDOM)).isEqualTo(RequestHash.NONE);
  }

  @Test
  void queryParameterUsesTheFirstRawValue() {
    MeshRequest r = MeshRequest.builder("http://reviews:9080/r?u=a%20b&u=2&flag").build();
    assertThat(hasher(query("u")).hash(r, RANDOM).value()).isEqualTo(XxHash64.hash("a%20b"));
    assertThat(hasher(query("flag")).hash(r, RANDOM).value())
        .isEqualTo(Long.parseUnsignedLong("17241709254077376921"));
    assertThat(hasher(query("none")).hash(r, RANDOM).present()).isFalse();
  }

  @Test
  void sourceIpHashesTheWorkloadAddress() {
    MeshRequest r = MeshRequest.builder("http://reviews:9080/r").build();
    RequestHasher h = RequestHasher.of(List.of(sourceIp()),
        RequestHasher.sourceIp(Workload.builder().ip("10.244.1.7").build()));
    assertThat(h.hash(r, RANDOM).value()).isEqualTo(XxHash64.hash("10.244.1.7"));
    assertThat(RequestHasher.sourceIp(Workload.defaults())).isNotEmpty();
  }

  @Test
  void settingsWithoutAHashKeyGiveNoHasher() {
    assertThat(RequestHasher.of((LoadBalancerSettings) null, "10.0.0.1")).isNull();
    assertThat(RequestHasher.of(LoadBalancerSettings.simple(LoadBalancerSettings.SimpleLb.RANDOM),
        "10.0.0.1")).isNull();
    ConsistentHashLb tableOnly = new ConsistentHashLb(null, null, false, null, null, 65537L, true);
    assertThat(RequestHasher.of(new LoadBalancerSettings(null, tableOnly, null, null), "10.0.0.1"))
        .isNull();
  }
}
