package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Quoting;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads one YAML document into the JSON tree {@code kubectl} sends for it.
 *
 * <p>kubectl and the API server read YAML with {@code sigs.k8s.io/yaml}: go-yaml v2 decodes the
 * document, then each value is converted to JSON. Where that differs from YAML 1.1 as SnakeYAML
 * and Jackson read it, this class follows go-yaml v2 ({@code resolve.go}, {@code decode.go}) and
 * {@code sigs.k8s.io/yaml} ({@code convertToJSONableObject}):
 * <ul>
 *   <li>Booleans are {@code y/Y/yes/Yes/YES/true/True/TRUE/on/On/ON} and their negatives;
 *       null is {@code ~}, {@code null}, {@code Null}, {@code NULL} or nothing.
 *   <li>Integers are Go's {@code strconv.ParseInt(s, 0, 64)} after removing {@code _}:
 *       {@code 0x1F}, {@code 0o17}, {@code 0b101}, a leading {@code 0} is octal ({@code 010} is
 *       8); then unsigned 64-bit; then floats of the form {@code [-+]?(\.d+|d+(\.d*)?)([eE][-+]?d+)?}
 *       ({@code 09} is the float 9). Base-60 numbers ({@code 1:30}) are strings. A float is
 *       written to JSON as Go writes it, so {@code 1.0} and {@code 1e3} are the integers 1 and
 *       1000; NaN and infinities have no JSON form and are errors.
 *   <li>Timestamps stay the text written; quoted scalars are always strings; {@code !!str},
 *       {@code !!int}, {@code !!float}, {@code !!bool}, {@code !!null}, {@code !!timestamp} and
 *       {@code !!binary} are honoured, other tags ignored.
 *   <li>Map keys are converted to strings ({@code 1: a} has the key {@code "1"}, {@code yes: a}
 *       the key {@code "true"}); null and collection keys are errors.
 *   <li>Aliases are expanded (shared, not copied), with go-yaml's limit against alias bombs: past
 *       1000 decoded values, at most 99% of them may come through aliases, falling to 10% at
 *       4,000,000. An alias to an anchor being defined, or to none, is an error.
 *   <li>Merge keys ({@code <<: *base}, {@code <<: [*a, *b]}) copy the map(s) in where they stand:
 *       keys written after them win, and (as go-yaml v2 has it) they also replace keys written
 *       before them; of several maps the first wins.
 * </ul>
 * Deliberate differences: a key written twice in one map is an error (go-yaml keeps the last
 * silently; the API server's strict field validation rejects it), and nesting is limited to
 * {@value #MAX_DEPTH} levels (go-yaml: 10,000). Stateless; thread-safe.
 */
final class KubeYaml {
  /** The deepest nesting of maps and lists read. */
  static final int MAX_DEPTH = 1000;

  private static final String TAG = "tag:yaml.org,2002:";
  private static final String STR = TAG + "str";
  private static final String INT = TAG + "int";
  private static final String FLOAT = TAG + "float";
  private static final String BOOL = TAG + "bool";
  private static final String NULL_TAG = TAG + "null";
  private static final String TIMESTAMP = TAG + "timestamp";
  private static final String BINARY = TAG + "binary";
  private static final String MERGE = TAG + "merge";

  /** go-yaml's {@code yamlStyleFloat}. */
  private static final Pattern YAML_FLOAT =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  /** What Go's {@code strconv.ParseFloat} accepts of a value starting with '.'. */
  private static final Pattern DOT_FLOAT = Pattern.compile("\\.[0-9]+([eE][-+]?[0-9]+)?");
  /** go-yaml's timestamp layouts ({@code 2006-1-2}, with a time, with a zone after T/t). */
  private static final Pattern TIMESTAMP_TEXT = Pattern.compile(
      "\\d{4}-\\d{1,2}-\\d{1,2}(?:(?:[Tt]\\d{1,2}:\\d{1,2}:\\d{1,2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2}))"
          + "|(?: \\d{1,2}:\\d{1,2}:\\d{1,2}(?:\\.\\d+)?))?");
  private static final Map<String, Object> WORDS = new HashMap<>();
  /** Null as a resolved scalar (a map cannot hold Java's null as a value). */
  private static final Object NULL = new Object();
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  static {
    for (String s : new String[] {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
      WORDS.put(s, Boolean.TRUE);
    }
    for (String s : new String[] {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
      WORDS.put(s, Boolean.FALSE);
    }
    for (String s : new String[] {"", "~", "null", "Null", "NULL"}) {
      WORDS.put(s, NULL);
    }
    for (String s : new String[] {".nan", ".NaN", ".NAN"}) {
      WORDS.put(s, Double.NaN);
    }
    for (String s : new String[] {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
      WORDS.put(s, Double.POSITIVE_INFINITY);
    }
    for (String s : new String[] {"-.inf", "-.Inf", "-.INF"}) {
      WORDS.put(s, Double.NEGATIVE_INFINITY);
    }
  }

  private KubeYaml() {}

  /** A document kubectl would not read; line and column are 0-based in the text read. */
  static final class YamlError extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;
    final int column;

    YamlError(String message, int line, int column) {
      super(message, null, false, false);
      this.line = line;
      this.column = column;
    }

    YamlError(String message, @Nullable Mark at) {
      this(message, at == null ? -1 : at.getLine(), at == null ? -1 : at.getColumn());
    }
  }

  /**
   * The JSON tree of the (first and only) document of {@code text}, or null when it holds none.
   *
   * @param maxValueChars the longest scalar accepted
   * @throws YamlError when the text is not YAML kubectl reads, or breaks a limit
   */
  static @Nullable JsonNode read(String text, int maxValueChars) throws YamlError {
    CodePointReader reader;
    try {
      reader = new CodePointReader(text);
    } catch (ReaderException e) {
      int[] lc = lineAndColumn(text, e.getPosition());
      throw new YamlError("malformed YAML: character " + String.format("U+%04X", e.getCodePoint())
          + " is not allowed", lc[0], lc[1]);
    }
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE);  // the caller caps the document's size
    try {
      return new Builder(new ParserImpl(reader, options), maxValueChars).document();
    } catch (MarkedYAMLException e) {
      Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      if (e.getContextMark() != null && at != null && at.getBuffer() != null
          && at.getPointer() >= at.getBuffer().length) {
        // A construct left open at the end ("[unclosed"): where it opened says more than the end.
        at = e.getContextMark();
      }
      throw new YamlError("malformed YAML: " + ManifestParser.oneLine(e.getMessage()), at);
    } catch (YAMLException e) {
      throw new YamlError("malformed YAML: " + ManifestParser.oneLine(String.valueOf(e.getMessage())), -1, -1);
    }
  }

  private static int[] lineAndColumn(String text, int codePointIndex) {
    int line = 0;
    int column = 0;
    int cp = 0;
    for (int i = 0; i < text.length() && cp < codePointIndex; i += Character.charCount(text.codePointAt(i)), cp++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 0;
      } else {
        column++;
      }
    }
    return new int[] {line, column};
  }

  /** An anchored value: a collection's tree, or a scalar as resolved (keys need it unconverted). */
  private record Anchor(@Nullable JsonNode node, @Nullable Object scalar, long decodes) {}

  private static final Anchor OPEN = new Anchor(null, null, 0);

  /** A map or list being read. */
  private static final class Frame {
    final @Nullable ObjectNode map;
    final @Nullable ArrayNode list;
    final @Nullable String anchor;
    /** go-yaml's decode operations for this value (itself, keys, values, alias expansions). */
    long decodes = 1;
    boolean expectKey = true;
    @Nullable String key;
    boolean merge;
    @Nullable Mark keyMark;
    @Nullable Set<String> written;
    /** Written in [...] or {...}. */
    boolean flow;
    /** A {@code key: value} pair written directly in a flow list, without braces. */
    boolean implicitPair;
    /** The plain key of that pair, when go-yaml reads its ':' as part of it (see below). */
    @Nullable String colonKey;

    Frame(@Nullable ObjectNode map, @Nullable ArrayNode list, @Nullable String anchor) {
      this.map = map;
      this.list = list;
      this.anchor = anchor;
    }

    JsonNode node() {
      return map != null ? map : list;
    }
  }

  private static final class Builder {
    private final ParserImpl parser;
    private final int maxValueChars;
    private final Deque<Frame> stack = new ArrayDeque<>();
    private final Map<String, Anchor> anchors = new HashMap<>();
    private long decodeCount;
    private long aliasCount;
    private @Nullable JsonNode root;

    Builder(ParserImpl parser, int maxValueChars) {
      this.parser = parser;
      this.maxValueChars = maxValueChars;
    }

    @Nullable JsonNode document() throws YamlError {
      Event e = parser.getEvent();  // stream start
      e = parser.getEvent();
      if (e.is(Event.ID.StreamEnd)) {
        return null;
      }
      decodeCount++;  // the document node
      while (true) {
        e = parser.getEvent();
        switch (e.getEventId()) {
          case Scalar -> scalar((ScalarEvent) e);
          case Alias -> alias((AliasEvent) e);
          case MappingStart, SequenceStart -> start((CollectionStartEvent) e);
          case MappingEnd, SequenceEnd -> end();
          case DocumentEnd -> {
            Event next = parser.getEvent();
            if (!next.is(Event.ID.StreamEnd)) {
              throw new YamlError("content after the document end marker \"...\": kubectl reads only "
                  + "the first document of a chunk; separate documents with ---", next.getStartMark());
            }
            return root;
          }
          default -> throw new YamlError("unexpected " + e.getEventId(), e.getStartMark());
        }
      }
    }

    private void scalar(ScalarEvent e) throws YamlError {
      if (e.getValue().length() > maxValueChars) {
        throw new YamlError("a value of " + e.getValue().length() + " characters is longer than the "
            + maxValueChars + " mesh4j reads", e.getStartMark());
      }
      decoded(1, 0);
      Frame top = stack.peek();
      // In [...] and {...}, go-yaml ends a plain value only at ": " or at , [ ] { }: in
      // [1.2.3.4, 001:db8::] the last ':' belongs to "001:db8::". SnakeYAML ends it at a ':'
      // followed by , ] } as well and reads a key there; this puts the ':' back.
      String colon = top != null && top.flow ? colonTaken(e) : null;
      if (colon != null && top.map != null && top.expectKey) {
        if (top.implicitPair) {
          top.colonKey = e.getValue();
        } else {
          e = new ScalarEvent(e.getAnchor(), e.getTag(), e.getImplicit(), colon, e.getStartMark(), e.getEndMark(),
              e.getScalarStyle());
        }
      }
      if (top != null && top.map != null && top.expectKey) {
        if (isMerge(e)) {
          decodeCount--;  // go-yaml does not decode the merge key itself
          top.merge = true;
        } else {
          Object resolved = resolve(e.getTag(), e.getImplicit().canOmitTagInPlainScalar(), e.getValue(),
              e.getStartMark());
          top.key = key(resolved, e.getStartMark());
          top.decodes++;
          anchor(e, new Anchor(null, resolved, 1));
        }
        top.keyMark = e.getStartMark();
        top.expectKey = false;
        return;
      }
      Object resolved = resolve(e.getTag(), e.getImplicit().canOmitTagInPlainScalar(), e.getValue(),
          e.getStartMark());
      anchor(e, new Anchor(null, resolved, 1));
      attach(json(resolved, e.getStartMark()), 1, e.getStartMark());
    }

    private void alias(AliasEvent e) throws YamlError {
      Anchor a = anchors.get(e.getAnchor());
      if (a == null) {
        throw new YamlError("unknown anchor '" + Quoting.escape(e.getAnchor()) + "' referenced", e.getStartMark());
      }
      if (a == OPEN) {
        throw new YamlError("anchor '" + Quoting.escape(e.getAnchor()) + "' value contains itself", e.getStartMark());
      }
      decoded(1 + a.decodes(), a.decodes());
      Frame top = stack.peek();
      if (top != null && top.map != null && top.expectKey) {
        if (a.scalar() == null) {
          throw new YamlError("a map key must be a scalar, not a map or a list", e.getStartMark());
        }
        top.key = key(a.scalar(), e.getStartMark());
        top.decodes += 1 + a.decodes();
        top.keyMark = e.getStartMark();
        top.expectKey = false;
        return;
      }
      JsonNode value = a.node() != null ? a.node() : json(a.scalar(), e.getStartMark());
      attach(value, 1 + a.decodes(), e.getStartMark());
    }

    private void start(CollectionStartEvent e) throws YamlError {
      Frame top = stack.peek();
      if (top != null && top.map != null && top.expectKey) {
        throw new YamlError("a map key must be a scalar, not a map or a list", e.getStartMark());
      }
      if (stack.size() >= MAX_DEPTH) {
        throw new YamlError("maps and lists nested deeper than " + MAX_DEPTH + " levels", e.getStartMark());
      }
      decoded(1, 0);
      boolean isMap = e.is(Event.ID.MappingStart);
      Frame f = new Frame(isMap ? JSON.objectNode() : null, isMap ? null : JSON.arrayNode(), e.getAnchor());
      f.flow = e.isFlow();
      f.implicitPair = isMap && top != null && top.list != null && top.flow && charAt(e.getStartMark(), 0) != '{';
      stack.push(f);
      if (e.getAnchor() != null) {
        // As go-yaml: the anchor names this value from its start, so an alias inside it is an error.
        anchors.put(e.getAnchor(), OPEN);
      }
    }

    private void end() throws YamlError {
      Frame f = stack.pop();
      JsonNode node = f.node();
      if (f.colonKey != null && f.map.size() == 1 && f.map.elements().next().isNull()) {
        // [a:] is the value "a:" for go-yaml, not the pair {a: null}.
        node = json(resolve(null, true, f.colonKey + ":", null), null);
      }
      if (f.anchor != null) {
        anchors.put(f.anchor, new Anchor(node, null, f.decodes));
      }
      attach(node, f.decodes, null);
    }

    /**
     * For a plain scalar in flow context followed at once by ':' and one of , ] }, the value go-yaml
     * reads (the scalar and the ':'); null otherwise.
     *
     * @throws YamlError for ':' followed by [ or {, which go-yaml cannot read
     */
    private static @Nullable String colonTaken(ScalarEvent e) throws YamlError {
      if (!e.isPlain() || e.getTag() != null || e.getValue().isEmpty()) {
        return null;
      }
      int c = charAt(e.getEndMark(), 0);
      int next = charAt(e.getEndMark(), 1);
      if (c != ':' || ",[]{}".indexOf(next) < 0 || next < 0) {
        return null;
      }
      if (next == '[' || next == '{') {
        throw new YamlError("malformed YAML: did not find expected ',' or ']' after " + Quoting.quote(e.getValue() + ":")
            + " (kubectl reads the ':' as part of the value)", e.getEndMark());
      }
      return e.getValue() + ":";
    }

    private static int charAt(Mark m, int offset) {
      int[] buffer = m.getBuffer();
      int at = m.getPointer() + offset;
      return buffer != null && at < buffer.length ? buffer[at] : -1;
    }

    private void anchor(NodeEvent e, Anchor a) {
      if (e.getAnchor() != null) {
        anchors.put(e.getAnchor(), a);
      }
    }

    private void attach(JsonNode value, long decodes, @Nullable Mark at) throws YamlError {
      Frame top = stack.peek();
      if (top == null) {
        root = value;
        return;
      }
      top.decodes += decodes;
      if (top.list != null) {
        top.list.add(value);
        return;
      }
      if (top.merge) {
        merge(top, value, top.keyMark);
        top.merge = false;
      } else {
        if (top.written == null) {
          top.written = new HashSet<>();
        }
        if (!top.written.add(top.key)) {
          throw new YamlError("duplicate key " + Quoting.quote(top.key), top.keyMark);
        }
        top.map.set(top.key, value);
      }
      top.expectKey = true;
    }

    /** go-yaml v2's {@code merge}: each map's keys are set in turn; of a list, the first map wins. */
    private static void merge(Frame f, JsonNode value, @Nullable Mark at) throws YamlError {
      if (value.isObject()) {
        f.map.setAll((ObjectNode) value);
        return;
      }
      if (value.isArray()) {
        for (JsonNode m : value) {
          if (!m.isObject()) {
            throw new YamlError("map merge requires map or sequence of maps as the value", at);
          }
        }
        for (int i = value.size() - 1; i >= 0; i--) {
          f.map.setAll((ObjectNode) value.get(i));
        }
        return;
      }
      throw new YamlError("map merge requires map or sequence of maps as the value", at);
    }

    /** Counts decode operations as go-yaml does and applies its limit on alias expansion. */
    private void decoded(long values, long throughAliases) throws YamlError {
      decodeCount += values;
      aliasCount += throughAliases;
      if (aliasCount > 100 && decodeCount > 1000 && (double) aliasCount / decodeCount > allowedAliasRatio(decodeCount)) {
        throw new YamlError("document contains excessive aliasing (" + aliasCount + " of " + decodeCount
            + " values come from aliases)", null);
      }
    }
  }

  /** go-yaml's {@code allowedAliasRatio}. */
  static double allowedAliasRatio(long decodeCount) {
    if (decodeCount <= 400_000) {
      return 0.99;
    }
    if (decodeCount >= 4_000_000) {
      return 0.10;
    }
    return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000.0);
  }

  private static boolean isMerge(ScalarEvent e) {
    return e.getValue().equals("<<")
        && (e.getImplicit().canOmitTagInPlainScalar() && e.getTag() == null || MERGE.equals(e.getTag()));
  }

  // ---- scalars ------------------------------------------------------------------------------

  /**
   * A scalar as go-yaml v2 decodes it into {@code interface{}}: a String, Boolean, Long,
   * BigInteger (beyond int64), Double, or {@link #NULL}.
   *
   * @param tag the scalar's tag, null when it has none
   * @param plainImplicit whether it is plain and untagged (or tagged {@code !})
   */
  static Object resolve(@Nullable String tag, boolean plainImplicit, String value, @Nullable Mark at)
      throws YamlError {
    if (tag == null && !plainImplicit) {
      return value;  // quoted
    }
    String t = tag == null ? "" : tag;
    if (t.equals(BINARY)) {
      try {
        byte[] bytes = Base64.getDecoder().decode(value.replace("\r", "").replace("\n", ""));
        return new String(bytes, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new YamlError("!!binary value contains invalid base64 data", at);
      }
    }
    if (!t.isEmpty() && !t.equals(STR) && !t.equals(BOOL) && !t.equals(INT) && !t.equals(FLOAT)
        && !t.equals(NULL_TAG) && !t.equals(TIMESTAMP)) {
      return value;  // a tag go-yaml does not resolve: the text
    }
    Object out = value;
    String rtag = STR;
    if (!t.equals(STR)) {
      Object[] r = resolvePlain(t, value);
      rtag = (String) r[0];
      out = r[1];
    }
    if (t.isEmpty() || t.equals(rtag) || t.equals(STR)) {
      return out;
    }
    if (t.equals(FLOAT) && rtag.equals(INT) && out instanceof Long l) {
      return l.doubleValue();
    }
    throw new YamlError("cannot decode " + shortTag(rtag) + " `" + Quoting.escape(value) + "` as a " + shortTag(t), at);
  }

  private static String shortTag(String tag) {
    return tag.startsWith(TAG) ? "!!" + tag.substring(TAG.length()) : tag;
  }

  /** go-yaml v2's {@code resolve} for an untagged plain scalar (or one tagged with a core tag). */
  private static Object[] resolvePlain(String tag, String in) {
    char hint = in.isEmpty() ? 'N' : hint(in.charAt(0));
    if (hint == 0) {
      return new Object[] {STR, in};
    }
    Object word = WORDS.get(in);
    if (word != null) {
      String rtag = word == NULL ? NULL_TAG : word instanceof Boolean ? BOOL : FLOAT;
      return new Object[] {rtag, word};
    }
    switch (hint) {
      case '.' -> {
        if (DOT_FLOAT.matcher(in).matches()) {
          double d = Double.parseDouble(in);
          if (!Double.isInfinite(d)) {
            return new Object[] {FLOAT, d};
          }
        }
      }
      case 'D', 'S' -> {
        if ((tag.isEmpty() || tag.equals(TIMESTAMP)) && TIMESTAMP_TEXT.matcher(in).matches()) {
          // go-yaml keeps a timestamp decoded into interface{} as the text written.
          return new Object[] {TIMESTAMP, in};
        }
        String plain = in.replace("_", "");
        Long l = parseInt(plain);
        if (l != null) {
          return new Object[] {INT, l};
        }
        BigInteger u = parseUint(plain);
        if (u != null) {
          return new Object[] {INT, u};
        }
        if (YAML_FLOAT.matcher(plain).matches()) {
          double d = Double.parseDouble(plain);
          if (!Double.isInfinite(d)) {
            return new Object[] {FLOAT, d};
          }
        }
      }
      default -> {
        // 'M' (a word, already looked up) and 'N'
      }
    }
    return new Object[] {STR, in};
  }

  private static char hint(char c) {
    if (c == '+' || c == '-') {
      return 'S';
    }
    if (c >= '0' && c <= '9') {
      return 'D';
    }
    if ("yYnNtTfFoO~".indexOf(c) >= 0) {
      return 'M';
    }
    return c == '.' ? '.' : 0;
  }

  /** Go's {@code strconv.ParseInt(s, 0, 64)}, or null. */
  static @Nullable Long parseInt(String s) {
    if (s.isEmpty()) {
      return null;
    }
    boolean negative = s.charAt(0) == '-';
    String digits = s.charAt(0) == '+' || negative ? s.substring(1) : s;
    BigInteger u = parseUint(digits);
    if (u == null) {
      return null;
    }
    BigInteger v = negative ? u.negate() : u;
    return v.bitLength() < 64 ? v.longValue() : null;
  }

  /** Go's {@code strconv.ParseUint(s, 0, 64)} (no sign), or null. */
  static @Nullable BigInteger parseUint(String s) {
    if (s.isEmpty()) {
      return null;
    }
    int base = 10;
    int from = 0;
    if (s.charAt(0) == '0') {
      char p = s.length() >= 3 ? Character.toLowerCase(s.charAt(1)) : 0;
      if (p == 'b' || p == 'o' || p == 'x') {
        base = p == 'b' ? 2 : p == 'o' ? 8 : 16;
        from = 2;
      } else {
        base = 8;
        from = 1;
      }
    }
    if (s.length() - from > 64) {
      return null;  // more digits than any uint64 has
    }
    BigInteger v = BigInteger.ZERO;
    BigInteger b = BigInteger.valueOf(base);
    for (int i = from; i < s.length(); i++) {
      int d = Character.digit(s.charAt(i), 36);
      if (d < 0 || d >= base || s.charAt(i) > 'z') {
        return null;
      }
      v = v.multiply(b).add(BigInteger.valueOf(d));
    }
    return v.bitLength() <= 64 ? v : null;
  }

  /** A resolved scalar as {@code json.Marshal} writes it (after sigs.k8s.io/yaml's conversion). */
  static JsonNode json(Object v, @Nullable Mark at) throws YamlError {
    if (v == NULL) {
      return JSON.nullNode();
    }
    if (v instanceof String s) {
      return JSON.textNode(s);
    }
    if (v instanceof Boolean b) {
      return JSON.booleanNode(b);
    }
    if (v instanceof Long l) {
      return number(l);
    }
    if (v instanceof BigInteger u) {
      return JSON.numberNode(u);
    }
    double d = (Double) v;
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new YamlError("NaN and infinity (.nan, .inf) have no JSON form: kubectl cannot send them", at);
    }
    // Go writes an integral float below 1e21 without a fraction: the API server reads an integer.
    if (d == Math.rint(d) && Math.abs(d) < 1e21) {
      BigInteger i = new BigDecimal(d).toBigIntegerExact();
      return i.bitLength() < 64 ? number(i.longValue()) : JSON.numberNode(i);
    }
    return JSON.numberNode(d);
  }

  /** An integer node of the type Jackson's JSON parser gives the same number. */
  private static JsonNode number(long l) {
    return l == (int) l ? JSON.numberNode((int) l) : JSON.numberNode(l);
  }

  /** A resolved scalar as a map key, as sigs.k8s.io/yaml converts keys. */
  static String key(Object k, @Nullable Mark at) throws YamlError {
    if (k instanceof String s) {
      return s;
    }
    if (k instanceof Boolean b) {
      return b.toString();
    }
    if (k instanceof Long l) {
      return l.toString();
    }
    if (k instanceof Double d) {
      return goFloat32(d);
    }
    throw new YamlError((k == NULL ? "a null map key" : "the map key " + k)
        + " cannot be converted to JSON (kubectl refuses it)", at);
  }

  /** Go's {@code strconv.FormatFloat(k, 'g', -1, 32)}, with YAML's names for NaN and infinities. */
  static String goFloat32(double d) {
    float f = (float) d;
    if (Float.isNaN(f)) {
      return ".nan";
    }
    if (Float.isInfinite(f)) {
      return f > 0 ? ".inf" : "-.inf";
    }
    if (f == 0) {
      return 1 / f < 0 ? "-0" : "0";
    }
    BigDecimal shortest = new BigDecimal(Float.toString(Math.abs(f))).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int exp = digits.length() - 1 - shortest.scale();
    String sign = f < 0 ? "-" : "";
    if (exp < -4 || exp >= 6) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String e = Integer.toString(Math.abs(exp));
      return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }
    return sign + shortest.toPlainString();
  }
}
