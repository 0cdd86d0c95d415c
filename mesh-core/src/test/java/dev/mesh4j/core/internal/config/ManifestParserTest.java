package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Problems;
import dev.mesh4j.core.internal.common.Durations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.core.internal.config.ConfigSource.SourceText;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Manifests split and parsed as kubectl reads them, within limits that are errors, not hangs. */
class ManifestParserTest {
  private static final String VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
      """;

  @Test
  void anAliasedHostIsTheAnchoredValueNotTheAnchorName() {
    MeshConfig config = load("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [&dest reviews.prod.svc.cluster.local]
          http:
          - route:
            - destination: {host: *dest}
        """);

    VirtualService vs = config.all(VirtualService.class).get(0);
    Destination d = vs.http().get(0).route().get(0).destination();
    assertThat(d.host()).isEqualTo("reviews.prod.svc.cluster.local");
  }

  /**
   * A YAML document that is a JSON object (an API server's object, as the Kubernetes source
   * delivers it) is read by Jackson's JSON parser; the tree must be the one go-yaml's rules give
   * for the same text, numbers included.
   */
  @Test
  void aJsonDocumentReadsToTheTreeItsYamlReadingGives() throws Exception {
    List<String> documents = List.of(
        "{\"apiVersion\": \"networking.istio.io/v1\", \"kind\": \"VirtualService\", \"metadata\": {\"name\": \"r\"},"
            + " \"spec\": {\"hosts\": [\"reviews\"], \"http\": [{\"route\": [{\"destination\": {\"host\": \"reviews\"},"
            + " \"weight\": 100}], \"timeout\": \"10s\", \"retries\": null}]}}",
        "{\"ints\": [0, -0, 7, 2147483648, -9223372036854775808, 9223372036854775808, 18446744073709551615,"
            + " 18446744073709551616, -9223372036854775809],"
            + " \"floats\": [1.0, 1e3, 1.5, -0.0, 2.5e-3, 1e20, 1e21, 1E+2, 123456789012345678901234.0]}",
        "{\"text\": \"a\\u00e9\\n\\t\\\"q\\\" \\ud83d\\ude00\", \"yes\": \"on\", \"empty\": {}, \"list\": [[], [{}], true, false]}",
        "  \n\r\n{\"leading\": \"white space\",\n  \"chars\": \"\u00e9\u2028\ud83d\ude00\"}\n");
    for (String json : documents) {
      List<ManifestParser.Document> read = ManifestParser.parse(new SourceText("x", json, false), new Problems());
      assertThat(read).hasSize(1);
      assertThat(read.get(0).json()).as(json).isEqualTo(KubeYaml.read(json, ManifestParser.MAX_VALUE_CHARS));
    }
  }

  /** Documents that start like JSON and are not: read as YAML, as before, with YAML's messages. */
  @Test
  void aYamlFlowMappingOrBrokenJsonIsStillReadAsYaml() throws Exception {
    for (String yaml : List.of("{a: b, c: [1, 2]}", "{\"a\": 1} # a comment", "{\"a\": 1e400}", "{\"a\": 0x10}",
        "{\"a\":\t1}", "{\"a\": \"a\\/b\"}")) {
      Problems problems = new Problems();
      List<ManifestParser.Document> read = ManifestParser.parse(new SourceText("x", yaml, false), problems);
      JsonNode expected;
      try {
        expected = KubeYaml.read(yaml, ManifestParser.MAX_VALUE_CHARS);
      } catch (KubeYaml.YamlError e) {
        assertThat(read).as(yaml).isEmpty();
        assertThat(problems.all()).as(yaml).singleElement().satisfies(p -> assertThat(p.message()).contains(e.getMessage()));
        continue;
      }
      assertThat(read).as(yaml).hasSize(1);
      assertThat(read.get(0).json()).as(yaml).isEqualTo(expected);
    }
    Problems problems = new Problems();
    ManifestParser.parse(new SourceText("x", "{\"a\": 1, \"a\": 2}", false), problems);
    ManifestParser.parse(new SourceText("x", "{\"a\": 1} {\"b\": 2}", false), problems);
    ManifestParser.parse(new SourceText("x", "\t{\"a\": 1}", false), problems);
    ManifestParser.parse(new SourceText("x", "{\"a\": \"\u0001\u0090\"}", false), problems);
    assertThat(problems.all()).hasSize(4).allMatch(ConfigProblem::isError);
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFiftyMegabyteScalarIsRefusedAtOnceWithItsSize() {
    String yaml = VS.replace("hosts: [reviews]", "hosts: [" + "a".repeat(50_000_000) + "]");

    ConfigProblem p = singleError(yaml);
    assertThat(p.message()).startsWith("document of 50000").contains("larger than the 3145728 (3 MiB) mesh4j reads");
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aValueOverTheCapIsRefusedWithItsLine() {
    String yaml = VS.replace("hosts: [reviews]", "hosts: [" + "a".repeat(ManifestParser.MAX_VALUE_CHARS + 1) + "]");

    ConfigProblem p = singleError(yaml);
    assertThat(p.message()).isEqualTo("a value of 1572865 characters is longer than the 1572864 mesh4j reads"
        + " (line 5, column 11)");
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFileOverTheCapIsNotReadIntoMemory(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(ConfigSource.MAX_FILE_BYTES + 1);  // sparse: nothing is written
    }
    Problems problems = new Problems();

    assertThat(ConfigSource.file(big).read(problems)).isEmpty();
    assertThat(problems.all()).singleElement().satisfies(p -> assertThat(p.toString())
        .isEqualTo(big + "#1: file of 67108865 bytes is larger than the 67108864 (64 MiB) mesh4j reads"));
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aDurationOfAMillionDigitsIsRefusedWithoutParsingIt() {
    // BigDecimal parsed it first: 1.5 million digits took 50 s.
    String digits = "1".repeat(1_500_000);
    ConfigProblem p = singleError(VS.replace("- route:", "- timeout: " + digits + "s\n    route:"));

    assertThat(p.path()).isEqualTo("spec.http[0].timeout");
    assertThat(p.message()).endsWith(": too long");
    assertThat(Durations.parse("0000000000000000000000001.500000000000000000000000000s").toMillis()).isEqualTo(1500);
  }

  @Test
  void aJsonDocumentOverTheCapIsRefused() {
    String json = "{\"kind\": \"" + "a".repeat(ManifestParser.MAX_DOCUMENT_CHARS) + "\"}";
    Problems problems = new Problems();

    assertThat(ManifestParser.parse(new SourceText("x.json", json, true), problems)).isEmpty();
    assertThat(problems.all()).singleElement().satisfies(p -> assertThat(p.message()).contains("larger than"));
  }

  @Test
  void documentsAreSplitAsKubectlSplitsThem() {
    Problems problems = new Problems();
    List<ManifestParser.Document> docs = ManifestParser.parse(new SourceText("x.yaml",
        "---\na: 1\n---   # a comment\nb: 2\r\n---\r\nc: 3\n--- {d: 4}\ne: 5\n", false), problems);

    assertThat(docs).extracting(d -> d.origin().document()).containsExactly(1, 2, 3, 4);
    assertThat(docs.get(1).json().get("b").intValue()).isEqualTo(2);
    assertThat(docs.get(2).json().get("c").intValue()).isEqualTo(3);
    // kubectl refuses content on the separator line; the next document is still read.
    assertThat(problems.all()).singleElement().satisfies(p -> {
      assertThat(p.origin().document()).isEqualTo(4);
      assertThat(p.message()).isEqualTo("invalid document separator \"--- {d: 4}\" (line 7): "
          + "kubectl allows only a comment after ---");
    });
    assertThat(docs.get(3).json().get("e").intValue()).isEqualTo(5);
  }

  @Test
  void aSyntaxErrorNamesItsLineInTheFile() {
    ConfigProblem p = singleError(VS + "---\n" + VS.replace("metadata: {name: reviews}", "metadata: {name: x"));

    assertThat(p.origin().document()).isEqualTo(2);
    assertThat(p.message()).startsWith("malformed YAML").containsPattern("\\(line 1[0-4], column \\d+\\)");
  }

  @Test
  void anUnquotedNumberIsNotTakenAsTheTextOfAString() {
    // kubectl sends version: 1.10 as the number 1.1, which the API server refuses for a string.
    MeshConfigException e = catchThrowableOfType(() -> load("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          subsets: [{name: v1, labels: {version: 1.10}}]
        """), MeshConfigException.class);

    assertThat(e.errors()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("spec.subsets[0].labels.version");
      assertThat(p.message()).startsWith("expected a string, got the number 1.1 (");
    });
  }

  private static MeshConfig load(String yaml) {
    return ConfigLoader.load(List.of(ConfigSource.yaml("x.yaml", yaml)), "default");
  }

  private static ConfigProblem singleError(String yaml) {
    MeshConfigException e = catchThrowableOfType(() -> load(yaml), MeshConfigException.class);
    assertThat(e).as("the load must fail").isNotNull();
    assertThat(e.errors()).hasSize(1);
    return e.errors().get(0);
  }
}
