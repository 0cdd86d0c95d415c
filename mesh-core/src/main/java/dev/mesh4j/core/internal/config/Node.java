package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Problems;
import dev.mesh4j.core.internal.common.Durations;
import dev.mesh4j.core.internal.common.Quoting;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.mesh4j.api.config.ConfigOrigin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A position in a manifest: a JSON value, its field path and the document it is in.
 *
 * <p>Reading never throws: a value of the wrong type is recorded as an error and read as
 * absent. Every field read through {@link #get(String)} is remembered, so that
 * {@link #reportUnknownFields()} can warn about the fields no decoder asked for.
 */
public final class Node {
  private final JsonNode json;
  private final String path;
  private final ConfigOrigin origin;
  private final Problems problems;
  /**
   * The nodes read under this one, in the order read (warnings come in that order); null until
   * one is. Most nodes are leaves: they allocate nothing for children.
   */
  private @Nullable List<Node> children;
  /** The fields read, by name (its keys are what {@link #reportUnknownFields} counts as read); null until one is. */
  private @Nullable Map<String, Node> fields;
  private @Nullable List<Node> elements;
  private @Nullable Map<String, Node> entries;
  private boolean allRead;
  private boolean typeReported;

  private Node(JsonNode json, String path, ConfigOrigin origin, Problems problems) {
    this.json = json;
    this.path = path;
    this.origin = origin;
    this.problems = problems;
  }

  public static Node root(JsonNode json, ConfigOrigin origin, Problems problems) {
    return new Node(json, "", origin, problems);
  }

  /** The value as parsed (for comparing values as written). */
  public JsonNode json() {
    return json;
  }

  public ConfigOrigin origin() {
    return origin;
  }

  /** Whether reading this value already failed (so checks of its content can be skipped). */
  public boolean isUnreadable() {
    return typeReported;
  }

  /** Whether the value is absent or an explicit {@code null}. */
  public boolean isMissing() {
    return json.isMissingNode() || json.isNull();
  }

  public boolean isObject() {
    return json.isObject();
  }

  public boolean isArray() {
    return json.isArray();
  }

  /** The names of the fields of this object, in document order. */
  public List<String> fieldNames() {
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The field of this object (a missing node when absent); marks it as read. */
  public Node get(String field) {
    Node cached = fields == null ? null : fields.get(field);
    if (cached != null) {
      return cached;
    }
    JsonNode v = json.isObject() ? json.get(field) : null;
    Node child = new Node(v == null ? MissingNode.getInstance() : v, join(path, field), origin, problems);
    addChild(child);
    if (fields == null) {
      fields = new HashMap<>(8);
    }
    fields.put(field, child);
    return child;
  }

  /** Marks every field of this object as read (for maps whose keys are data). */
  public void markAllRead() {
    allRead = true;
  }

  /** The elements of this list; an error if the value is not a list. */
  public List<Node> elements() {
    if (elements == null) {
      elements = readElements();
    }
    return elements;
  }

  private List<Node> readElements() {
    if (isMissing()) {
      return List.of();
    }
    if (!json.isArray()) {
      typeError("expected a list, got " + describe(json));
      return List.of();
    }
    List<Node> out = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      Node child = new Node(json.get(i), path + "[" + i + "]", origin, problems);
      addChild(child);
      out.add(child);
    }
    return out;
  }

  /** The entries of this object as (key, node); an error if the value is not an object. */
  public Map<String, Node> entries() {
    if (entries == null) {
      entries = readEntries();
    }
    return entries;
  }

  private Map<String, Node> readEntries() {
    Map<String, Node> out = new LinkedHashMap<>();
    if (isMissing()) {
      return out;
    }
    if (!json.isObject()) {
      typeError("expected a map, got " + describe(json));
      return out;
    }
    markAllRead();
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Node child = new Node(e.getValue(), join(path, e.getKey()), origin, problems);
      addChild(child);
      out.put(e.getKey(), child);
    }
    return out;
  }

  /** Decodes each element of the list field with {@code decoder}, skipping nulls it returns. */
  public <T> List<T> list(String field, Function<Node, @Nullable T> decoder) {
    List<T> out = new ArrayList<>();
    for (Node n : get(field).elements()) {
      T t = decoder.apply(n);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** Whether this value is an object; records an error if it is present and not one. */
  public boolean expectObject() {
    if (isMissing()) {
      return false;
    }
    if (!json.isObject()) {
      typeError("expected a map, got " + describe(json));
      return false;
    }
    return true;
  }

  // ---- scalars -----------------------------------------------------------------------------

  public @Nullable String asString() {
    if (isMissing()) {
      return null;
    }
    if (!json.isTextual()) {
      if (json.isNumber() || json.isBoolean()) {
        // As the API server: YAML reads an unquoted 1.10 as the number 1.1, 010 as 8 and yes as
        // true, so the text written is lost; taking the number's text would route on a value
        // nobody wrote.
        typeError("expected a string, got " + (json.isNumber() ? "the number " : "the boolean ")
            + json.asText() + " (YAML reads unquoted values like 1.10, 010 or yes as numbers or "
            + "booleans: quote it)");
        return null;
      }
      typeError("expected a string, got " + describe(json));
      return null;
    }
    return shared(json.textValue());
  }

  /**
   * Config repeats the same short strings thousands of times (hosts, label keys and values,
   * subset names); one copy of each keeps a large mesh's configuration small.
   */
  private static String shared(String s) {
    return s.length() <= 64 ? s.intern() : s;
  }

  public @Nullable String string(String field) {
    return get(field).asString();
  }

  /** A required string field: an error when absent or empty. */
  public String requiredString(String field) {
    Node n = get(field);
    String s = n.asString();
    if (s == null || s.isEmpty()) {
      if (n.isMissing()) {
        n.error("required field is missing");
      } else if (s != null) {
        n.error("must not be empty");
      }
      return "";
    }
    return s;
  }

  public @Nullable Long asLong(long min, long max) {
    if (isMissing()) {
      return null;
    }
    long v;
    if (json.isIntegralNumber() && json.canConvertToLong()) {
      v = json.longValue();
    } else if (json.isTextual() && json.textValue().matches("-?\\d{1,18}")) {
      // Protobuf JSON accepts integers as strings.
      v = Long.parseLong(json.textValue());
    } else {
      typeError("expected an integer, got " + describe(json));
      return null;
    }
    if (v < min || v > max) {
      typeError(rangeMessage(v, min, max));
      return null;
    }
    return v;
  }

  /** A proto {@code int32}: any value of that range. */
  public @Nullable Integer asInt32() {
    Long v = asLong(Integer.MIN_VALUE, Integer.MAX_VALUE);
    return v == null ? null : v.intValue();
  }

  /** A proto {@code uint32} (or {@code UInt32Value}), as a long since it may exceed an int. */
  public @Nullable Long asUint32() {
    return asLong(0, 0xFFFF_FFFFL);
  }

  /**
   * A string field read as proto3 does: absent and empty are the same, so this returns "" for
   * both (Istio's checks are {@code field != ""}).
   */
  public String text(String field) {
    String s = get(field).asString();
    return s == null ? "" : s;
  }

  public @Nullable Integer asInt(long min, long max) {
    Long v = asLong(min, max);
    return v == null ? null : (int) Math.min(Integer.MAX_VALUE, v);
  }

  public @Nullable Double asDouble() {
    if (isMissing()) {
      return null;
    }
    if (json.isNumber()) {
      return json.doubleValue();
    }
    if (json.isTextual()) {
      try {
        return Double.parseDouble(json.textValue());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    typeError("expected a number, got " + describe(json));
    return null;
  }

  public @Nullable Boolean asBoolean() {
    if (isMissing()) {
      return null;
    }
    if (json.isBoolean()) {
      return json.booleanValue();
    }
    if (json.isTextual() && (json.textValue().equals("true") || json.textValue().equals("false"))) {
      return Boolean.parseBoolean(json.textValue());
    }
    typeError("expected true or false, got " + describe(json));
    return null;
  }

  public @Nullable Boolean bool(String field) {
    return get(field).asBoolean();
  }

  /**
   * A duration in Istio's format ({@code 1.5s}, {@code 200ms}, {@code 1m}, {@code 1h30m}),
   * checked as Istio's {@code agent.ValidateDuration}: at least 1ms and whole milliseconds. With
   * {@code allowZero}, zero is accepted too (where Istio lets 0 disable something). A duration
   * that fails these checks is returned as written, after the error; null means absent or not a
   * duration.
   */
  public @Nullable Duration asDuration(boolean allowZero) {
    String s = asString();
    if (s == null) {
      return null;
    }
    Duration d;
    try {
      d = Durations.parse(s);
    } catch (IllegalArgumentException e) {
      error("invalid duration " + Quoting.quote(s) + ": " + e.getMessage());
      return null;
    }
    if (allowZero && d.isZero()) {
      return d;
    }
    if (d.compareTo(Duration.ofMillis(1)) < 0) {
      error("duration must be greater than 1ms (" + Quoting.escape(s) + ")");
    } else if (d.getNano() % 1_000_000 != 0) {
      error("only durations to ms precision are supported (" + Quoting.escape(s) + ")");
    }
    return d;
  }

  public @Nullable Duration duration(String field) {
    return get(field).asDuration(false);
  }

  /**
   * An enum by name (case-sensitive, as protobuf JSON), or by number when the enum's ordinal
   * matches the proto numbering.
   */
  public <E extends Enum<E>> @Nullable E asEnum(Class<E> type) {
    if (isMissing()) {
      return null;
    }
    E[] values = type.getEnumConstants();
    if (json.isTextual()) {
      for (E e : values) {
        if (e.name().equals(json.textValue())) {
          return e;
        }
      }
    } else if (json.isIntegralNumber() && json.intValue() >= 0 && json.intValue() < values.length) {
      return values[json.intValue()];
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : values) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(e.name());
    }
    typeError("unknown value " + describe(json) + " (expected one of: " + allowed + ")");
    return null;
  }

  public Map<String, String> asStringMap() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : entries().entrySet()) {
      String v = e.getValue().asString();
      if (v != null) {
        out.put(e.getKey(), v);
      } else if (e.getValue().isMissing()) {
        e.getValue().error("expected a string, got null");
      }
    }
    return out;
  }

  public Map<String, String> stringMap(String field) {
    return get(field).asStringMap();
  }

  public List<String> asStringList() {
    List<String> out = new ArrayList<>();
    for (Node n : elements()) {
      String s = n.asString();
      if (s != null) {
        out.add(s);
      } else if (n.isMissing()) {
        n.error("expected a string, got null");
      }
    }
    return out;
  }

  public List<String> stringList(String field) {
    return get(field).asStringList();
  }

  // ---- problems ----------------------------------------------------------------------------

  public void error(String message) {
    problems.error(origin, path, message);
  }

  /**
   * A value that cannot be read (wrong type, out of range, unknown enum name), reported once
   * however often the value is read: several checks may read the same field.
   */
  private void typeError(String message) {
    if (!typeReported) {
      typeReported = true;
      error(message);
    }
  }

  public void warn(String message) {
    problems.warn(origin, path, message);
  }

  /** Warns about every field of every object under this node that no decoder read. */
  public void reportUnknownFields() {
    if (json.isObject() && !allRead) {
      for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (fields == null || !fields.containsKey(f)) {
          problems.warn(origin, join(path, f), "unknown field (ignored)");
        }
      }
    }
    if (children != null) {
      for (Node c : children) {
        c.reportUnknownFields();
      }
    }
  }

  private void addChild(Node child) {
    if (children == null) {
      children = new ArrayList<>(4);
    }
    children.add(child);
  }

  static String describe(JsonNode n) {
    if (n.isTextual()) {
      return Quoting.quote(n.textValue());
    }
    if (n.isObject()) {
      return "a map";
    }
    if (n.isArray()) {
      return "a list";
    }
    return n.toString();
  }

  private static String rangeMessage(long v, long min, long max) {
    if (min == 0 && v < 0) {
      return "must not be negative (" + v + ")";
    }
    if (max == Long.MAX_VALUE) {
      return "must be at least " + min + " (" + v + ")";
    }
    return "must be " + min + ".." + max + " (" + v + ")";
  }

  private static String join(String path, String field) {
    String f = needsQuoting(field) ? Quoting.quote(field) : field;
    return path.isEmpty() ? f : path + "." + f;
  }

  /**
   * Field names come from the manifest: one that would be ambiguous in a path, or that holds a
   * control character or is very long, is shown quoted (escaped and cut, see {@link Quoting}).
   */
  private static boolean needsQuoting(String field) {
    if (field.isEmpty() || field.length() > Quoting.MAX_SHOWN) {
      return true;
    }
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '.' || c == ' ' || c == '"' || c == '[' || Quoting.isUnsafe(c)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return origin + " " + path;
  }
}
