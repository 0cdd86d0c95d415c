package dev.mesh4j.core.internal.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.core.internal.config.ConfigSource.SourceText;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Splits a manifest into its documents and parses each into a JSON tree. Documents are split at
 * {@code ---} lines before parsing, so that a syntax error in one document is reported with its
 * index and does not hide the problems of the others. Thread-safe.
 */
public final class ManifestParser {
  /** A document separator: {@code ---} at the start of a line, alone or before content. */
  private static final Pattern SEPARATOR = Pattern.compile("(?m)^---(?=[ \\t]|\\r?$)[^\\n]*$");

  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** A parsed document: its tree (never null; may be a missing node) and where it is. */
  public record Document(JsonNode json, ConfigOrigin origin) {}

  private ManifestParser() {}

  public static List<Document> parse(SourceText source, Problems problems) {
    if (source.json()) {
      ConfigOrigin origin = new ConfigOrigin(source.name(), 1);
      JsonNode n = parseOne(JSON, source.text(), origin, 0, problems);
      return n == null ? List.of() : List.of(new Document(n, origin));
    }
    List<Document> out = new ArrayList<>();
    String text = source.text();
    Matcher m = SEPARATOR.matcher(text);
    int start = 0;
    int index = 0;
    // Lines before `start`, counted as documents go by (counting from the top each time would be
    // quadratic in the number of documents).
    int lines = 0;
    int counted = 0;
    while (true) {
      boolean found = m.find();
      int end = found ? m.start() : text.length();
      String chunk = text.substring(start, end);
      // A leading "---" opens the first document: no empty document before it.
      if (!(found && index == 0 && chunk.isBlank())) {
        index++;
        ConfigOrigin origin = new ConfigOrigin(source.name(), index);
        lines += countLines(text, counted, start);
        counted = start;
        JsonNode n = parseOne(YAML, chunk, origin, lines, problems);
        if (n != null) {
          out.add(new Document(n, origin));
        }
      }
      if (!found) {
        break;
      }
      // Content on the separator line ("--- {a: 1}") belongs to the next document.
      start = m.start() + 3;
    }
    return out;
  }

  private static @Nullable JsonNode parseOne(
      ObjectMapper mapper, String text, ConfigOrigin origin, int lineOffset, Problems problems) {
    if (text.isBlank() || isOnlyComments(text)) {
      return null;
    }
    try {
      JsonNode n = mapper.readTree(text);
      return n == null || n.isMissingNode() || n.isNull() ? null : n;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null || loc.getLineNr() < 1
          ? ""
          : " (line " + (loc.getLineNr() + lineOffset) + ", column " + loc.getColumnNr() + ")";
      problems.error(origin, "", "malformed " + (mapper == JSON ? "JSON" : "YAML") + ": "
          + oneLine(e.getOriginalMessage()) + where);
      return null;
    }
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

  private static int countLines(String text, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }
}
