package dev.mesh4j.core.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.mesh4j.api.config.IstioResource;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What of Istio's manifests the config model keeps: the fields {@link ManifestWriter} writes for
 * resources that set every field of every record ({@link ModelSamples}). A field outside this
 * vocabulary (CORS, a Sidecar's ingress, the deprecated {@code mirrorPercent}) is
 * one a resource built in code cannot carry.
 *
 * <p>Paths are generalized: list indices become {@code []}, the keys of maps whose keys are data
 * (labels, header names, selectors, endpoint ports) become {@code *}. The model reuses its types
 * (a TrafficPolicy at the top, per subset and per port; a StringMatch for every attribute), so a
 * field is known by its parent and its name: {@code loadBalancer.simple} wherever the load
 * balancer is.
 */
final class ModelVocabulary {
  private ModelVocabulary() {}

  /** Fields whose value is a map keyed by data (label names, header names), not by fields. */
  private static final Set<String> DATA_MAPS = Set.of("labels", "annotations", "matchLabels",
      "selector", "sourceLabels", "withoutHeaders", "queryParams", "set", "add", "to");

  /** Parent and field name ({@code loadBalancer.simple}) of every field written. */
  private static final Set<String> FIELDS = new TreeSet<>();

  /** Fields written as the name of a constant of a model enum ({@code resolution}, {@code mode}). */
  private static final Set<String> ENUM_FIELDS = new TreeSet<>();
  /** The names of the constants of the model's enums. */
  private static final Set<String> ENUM_CONSTANTS = new TreeSet<>();

  static {
    for (Class<?> kind : IstioResource.class.getPermittedSubclasses()) {
      enumConstants(kind, new HashSet<>());
    }
    Map<String, JsonNode> values = new HashMap<>();
    for (IstioResource r : ModelSamples.all()) {
      collect(ManifestWriter.write(r), "", values);
    }
    values.forEach((path, value) -> {
      FIELDS.add(field(path));
      if (value.isTextual() && ENUM_CONSTANTS.contains(value.textValue())) {
        ENUM_FIELDS.add(field(path));
      }
    });
  }

  /** Collects the constants of the enums a record type holds, directly or nested. */
  private static void enumConstants(Type type, Set<Type> seen) {
    if (!seen.add(type)) {
      return;
    }
    if (type instanceof ParameterizedType p) {
      for (Type arg : p.getActualTypeArguments()) {
        enumConstants(arg, seen);
      }
    } else if (type instanceof Class<?> c && c.isEnum()) {
      for (Object constant : c.getEnumConstants()) {
        ENUM_CONSTANTS.add(((Enum<?>) constant).name());
      }
    } else if (type instanceof Class<?> c && c.isRecord()) {
      for (RecordComponent rc : c.getRecordComponents()) {
        enumConstants(rc.getGenericType(), seen);
      }
    }
  }

  /**
   * Whether the field at this generalized path holds a model enum, and {@code text} is none of
   * the enum's names: a value the model cannot hold (as a type error).
   */
  static boolean isOutsideEnum(String generalizedPath, String text) {
    return ENUM_FIELDS.contains(field(generalizedPath)) && !ENUM_CONSTANTS.contains(text);
  }

  /** Whether the model keeps the field at this generalized path. */
  static boolean isModelled(String generalizedPath) {
    return FIELDS.contains(field(generalizedPath));
  }

  /** The last two names of a generalized path, indices left out: {@code loadBalancer.simple}. */
  private static String field(String generalizedPath) {
    String[] names = generalizedPath.replace("[]", "").split("\\.");
    return names.length == 1 ? names[0] : names[names.length - 2] + "." + names[names.length - 1];
  }

  /** The generalized paths of the fields of {@code doc} (a manifest) the model does not keep. */
  static Set<String> unmodelledFields(JsonNode doc) {
    Map<String, JsonNode> fields = new HashMap<>();
    collect(doc.path("spec"), "spec", fields);
    Set<String> paths = new TreeSet<>(fields.keySet());
    paths.removeIf(ModelVocabulary::isModelled);
    // Only the outermost: under an unmodelled field, everything is unmodelled.
    Set<String> all = Set.copyOf(paths);
    paths.removeIf(p -> all.stream().anyMatch(q -> !q.equals(p) && p.startsWith(q)
        && (p.charAt(q.length()) == '.' || p.charAt(q.length()) == '[')));
    return paths;
  }

  /** Every field under {@code n}, by generalized path, with a value written there. */
  private static void collect(JsonNode n, String path, Map<String, JsonNode> out) {
    if (n.isArray()) {
      for (JsonNode e : n) {
        collect(e, path + "[]", out);
      }
      return;
    }
    if (!n.isObject()) {
      return;
    }
    boolean dataKeys = isDataMap(path, n);
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String child = join(path, dataKeys ? "*" : e.getKey());
      out.put(child, e.getValue());
      collect(e.getValue(), child, out);
    }
  }

  /** Whether {@code value}, at this generalized path, is keyed by data rather than by fields. */
  static boolean isDataMap(String generalizedPath, JsonNode value) {
    if (!value.isObject()) {
      return false;
    }
    String field = lastField(generalizedPath);
    // headers under a match are header names, under a route {request, response}; endpoint ports
    // map port names to numbers (a ServiceEntry's ports are a list).
    return DATA_MAPS.contains(field) || field.equals("ports")
        || field.equals("headers") && generalizedPath.endsWith("match[].headers");
  }

  private static String lastField(String path) {
    int dot = path.lastIndexOf('.');
    String f = dot < 0 ? path : path.substring(dot + 1);
    return f.endsWith("[]") ? "" : f;
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  // ---- problem paths -----------------------------------------------------------------------

  /** One step of a problem's field path: a field name or a list index. */
  record Step(String field, int index) {
    boolean isIndex() {
      return index >= 0;
    }
  }

  /**
   * The steps of a field path as {@link Node} renders it: {@code spec.http[0].route[1].weight},
   * with names that contain dots, spaces or quotes (or are empty) in double quotes, escaped.
   */
  static List<Step> steps(String path) {
    List<Step> out = new ArrayList<>();
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        i++;
      } else if (c == '[') {
        int end = path.indexOf(']', i);
        out.add(new Step("", Integer.parseInt(path.substring(i + 1, end))));
        i = end + 1;
      } else if (c == '"') {
        // Quoted as Quoting.quote writes it: backslash escapes inside.
        StringBuilder name = new StringBuilder();
        int end = i + 1;
        while (path.charAt(end) != '"') {
          char e = path.charAt(end);
          if (e == '\\') {
            end++;
            char x = path.charAt(end);
            name.append(x == 'n' ? '\n' : x == 't' ? '\t' : x == 'r' ? '\r' : x);
          } else {
            name.append(e);
          }
          end++;
        }
        out.add(new Step(name.toString(), -1));
        i = end + 1;
      } else {
        int end = i;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        out.add(new Step(path.substring(i, end), -1));
        i = end;
      }
    }
    return out;
  }

  /** The value at the first {@code count} steps of a path (a missing node where there is none). */
  static JsonNode at(JsonNode root, List<Step> steps, int count) {
    JsonNode n = root;
    for (int i = 0; i < count && !n.isMissingNode(); i++) {
      Step s = steps.get(i);
      n = s.isIndex() ? n.path(s.index()) : n.isObject() ? n.path(s.field()) : MissingNode.getInstance();
    }
    return n;
  }

  /** The generalized form of the first {@code count} steps of a path into {@code root}. */
  static String generalize(JsonNode root, List<Step> steps, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      Step s = steps.get(i);
      if (s.isIndex()) {
        sb.append("[]");
      } else {
        boolean key = isDataMap(sb.toString(), at(root, steps, i));
        sb.append(sb.length() == 0 ? "" : ".").append(key ? "*" : s.field());
      }
    }
    return sb.toString();
  }
}
