package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Problems;
import dev.mesh4j.core.internal.common.Quoting;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.core.internal.config.ConfigSource.SourceText;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits a manifest into its documents and parses each into a JSON tree, as {@code kubectl}
 * reads it. Thread-safe.
 *
 * <p>Documents are split as kubectl's {@code YAMLReader} splits them: at lines that start with
 * {@code ---} followed by nothing but spaces or a comment ({@code --- {a: 1}} is an error, as for
 * kubectl). Each document is parsed on its own, so that a syntax error in one is reported with its
 * index and does not hide the problems of the others. YAML is read with go-yaml's rules
 * ({@link KubeYaml}), in time linear in its size.
 *
 * <p>Limits, each reported as an error naming the document: a document (or a JSON file) of at
 * most {@value #MAX_DOCUMENT_CHARS} characters (3 MiB, the API server's largest request); a single
 * value of at most {@value #MAX_VALUE_CHARS} characters (1.5 MiB, the largest object etcd stores);
 * maps and lists nested at most {@value KubeYaml#MAX_DEPTH} deep.
 */
public final class ManifestParser {
  /** The largest document read, in characters. */
  public static final int MAX_DOCUMENT_CHARS = 3 * 1024 * 1024;
  /** The longest single value (scalar) read, in characters. */
  public static final int MAX_VALUE_CHARS = 3 * 512 * 1024;

  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxDocumentLength(MAX_DOCUMENT_CHARS)
              .maxStringLength(MAX_VALUE_CHARS)
              .maxNestingDepth(KubeYaml.MAX_DEPTH)
              .build())
          .build())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  /**
   * For YAML documents that are JSON objects (what a watched API server's objects are): the same
   * limits, and nothing may follow the object.
   */
  private static final com.fasterxml.jackson.databind.ObjectReader JSON_DOCUMENT = JSON.reader()
      .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** A parsed document: its tree (never null; may be a missing node) and where it is. */
  public record Document(JsonNode json, ConfigOrigin origin) {}

  private ManifestParser() {}

  public static List<Document> parse(SourceText source, Problems problems) {
    if (source.json()) {
      ConfigOrigin origin = new ConfigOrigin(source.name(), 1);
      JsonNode n = parseJson(source.text(), origin, problems);
      return n == null ? List.of() : List.of(new Document(n, origin));
    }
    List<Document> out = new ArrayList<>();
    String text = source.text();
    int index = 0;
    int start = 0;        // where the current document starts
    int startLine = 0;    // its first line (0-based)
    int line = 0;         // the line at `pos`
    String badSeparator = null;
    int pos = 0;
    while (true) {
      int eol = text.indexOf('\n', pos);
      int lineEnd = eol < 0 ? text.length() : eol;
      boolean separator = text.startsWith("---", pos) && pos + 3 <= lineEnd;
      if (separator || eol < 0) {
        int end = separator ? pos : text.length();
        String chunk = text.substring(start, end);
        // A leading "---" opens the first document: no empty document before it.
        if (!(separator && index == 0 && chunk.isBlank())) {
          index++;
          ConfigOrigin origin = new ConfigOrigin(source.name(), index);
          if (badSeparator != null) {
            problems.error(origin, "", "invalid document separator " + Quoting.quote(badSeparator)
                + " (line " + startLine + "): kubectl allows only a comment after ---");
          }
          JsonNode n = parseYaml(chunk, origin, startLine, problems);
          if (n != null) {
            out.add(new Document(n, origin));
          }
        }
        if (!separator) {
          break;
        }
        String rest = text.substring(pos + 3, lineEnd).strip();
        badSeparator = rest.isEmpty() || rest.startsWith("#") ? null : text.substring(pos, lineEnd).strip();
        start = eol < 0 ? text.length() : eol + 1;
        startLine = line + 1;
        if (eol < 0) {
          // The text ends with a separator: no document after it.
          break;
        }
      }
      pos = eol + 1;
      line++;
    }
    return out;
  }

  private static @Nullable JsonNode parseYaml(String text, ConfigOrigin origin, int lineOffset, Problems problems) {
    if (text.isBlank() || isOnlyComments(text)) {
      return null;
    }
    if (text.length() > MAX_DOCUMENT_CHARS) {
      problems.error(origin, "", tooLarge(text.length()));
      return null;
    }
    if (isJsonObject(text)) {
      JsonNode n = readJsonDocument(text);
      if (n != null) {
        return n;
      }
      // Not JSON after all (a YAML flow mapping, a comment): read as YAML, with YAML's messages.
    }
    try {
      JsonNode n = KubeYaml.read(text, MAX_VALUE_CHARS);
      return n == null || n.isMissingNode() || n.isNull() ? null : n;
    } catch (KubeYaml.YamlError e) {
      String where = e.line < 0 ? "" : " (line " + (e.line + 1 + lineOffset) + ", column " + (e.column + 1) + ")";
      problems.error(origin, "", e.getMessage() + where);
      return null;
    }
  }

  /**
   * Whether the document may be read as JSON: its first character other than a space or a line
   * break opens an object, and it holds nothing that YAML reads otherwise than JSON: no tab (YAML
   * refuses one as indentation), no escaped slash ({@code \/}, not a YAML 1.1 escape), and only
   * what YAML allows in a stream (printable characters, line breaks, U+0085; JSON also allows the
   * others in strings). Anything else goes to YAML.
   */
  private static boolean isJsonObject(String text) {
    int i = 0;
    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\n' || text.charAt(i) == '\r')) {
      i++;
    }
    if (i == text.length() || text.charAt(i) != '{') {
      return false;
    }
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
        return false; // JSON's escaped slash: YAML 1.1 has no such escape
      }
      if (c >= 0x20 && c <= 0x7e || c == '\n' || c == '\r') {
        continue;
      }
      if (c == 0x85 || c >= 0xa0 && c <= 0xd7ff || c >= 0xe000 && c <= 0xfffd) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
        continue;
      }
      return false;
    }
    return true;
  }

  /**
   * A YAML document that is one JSON object, read by Jackson's JSON parser into the tree
   * {@link KubeYaml} reads from it (JSON is YAML; its strings are quoted, so only numbers need
   * go-yaml's treatment, see {@link #asYamlNumbers}); null when the text is not JSON. The same
   * tree, many times faster: a watched API server's objects come as JSON, thousands at a time.
   */
  private static @Nullable JsonNode readJsonDocument(String text) {
    try {
      JsonNode n = JSON_DOCUMENT.readTree(text);
      return n == null || !n.isObject() ? null : asYamlNumbers(n);
    } catch (JsonProcessingException | KubeYaml.YamlError e) {
      return null; // not JSON, or a number JSON can write and YAML reads otherwise (1e400: a string)
    }
  }

  /**
   * Numbers as go-yaml reads them and {@code json.Marshal} writes them ({@link KubeYaml#json}):
   * a float with an integral value below 10^21 is that integer ({@code 1.0} is 1, {@code 1e3} is
   * 1000); an integer beyond the 64-bit range (signed, or unsigned for a positive one) is a float.
   * Jackson reads {@code 1.0} as a double and big integers exactly. A float beyond the double
   * range ({@code 1e400}) throws: go-yaml reads that as a string. Changes {@code node} in place.
   */
  static JsonNode asYamlNumbers(JsonNode node) throws KubeYaml.YamlError {
    if (node.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) node;
      for (java.util.Map.Entry<String, JsonNode> e : o.properties()) {
        JsonNode v = asYamlNumbers(e.getValue());
        if (v != e.getValue()) {
          e.setValue(v);
        }
      }
    } else if (node.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode a = (com.fasterxml.jackson.databind.node.ArrayNode) node;
      for (int i = 0; i < a.size(); i++) {
        JsonNode v = asYamlNumbers(a.get(i));
        if (v != a.get(i)) {
          a.set(i, v);
        }
      }
    } else if (node.isBigInteger()) {
      java.math.BigInteger b = node.bigIntegerValue();
      boolean fits = b.signum() >= 0 ? b.bitLength() <= 64 : b.bitLength() <= 63;
      if (!fits) {
        return KubeYaml.json(b.doubleValue(), null);
      }
    } else if (node.isFloatingPointNumber()) {
      return KubeYaml.json(node.doubleValue(), null);
    }
    return node;
  }

  private static @Nullable JsonNode parseJson(String text, ConfigOrigin origin, Problems problems) {
    if (text.isBlank()) {
      return null;
    }
    if (text.length() > MAX_DOCUMENT_CHARS) {
      problems.error(origin, "", tooLarge(text.length()));
      return null;
    }
    try {
      JsonNode n = JSON.readTree(text);
      return n == null || n.isMissingNode() || n.isNull() ? null : n;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null || loc.getLineNr() < 1
          ? ""
          : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
      problems.error(origin, "", "malformed JSON: " + oneLine(e.getOriginalMessage()) + where);
      return null;
    }
  }

  private static String tooLarge(int chars) {
    return "document of " + chars + " characters is larger than the " + MAX_DOCUMENT_CHARS
        + " (3 MiB) mesh4j reads";
  }

  /**
   * SnakeYAML's messages quote the source around the problem on several lines (indented
   * excerpts, carets, {@code in 'reader', line …}); the location is given separately, so only
   * the unindented lines that say what is wrong are kept, on one line.
   */
  static String oneLine(String message) {
    StringBuilder sb = new StringBuilder();
    for (String line : message.split("\\R")) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
        continue;
      }
      sb.append(sb.length() == 0 ? "" : ", ").append(line.trim());
    }
    return sb.length() == 0 ? message.trim() : sb.toString();
  }

  private static boolean isOnlyComments(String text) {
    for (String line : text.split("\n", -1)) {
      String t = line.trim();
      if (!t.isEmpty() && !t.startsWith("#") && !t.equals("...")) {
        return false;
      }
    }
    return true;
  }
}
