package dev.mesh4j.api.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reflection over the config model for the builder tests: every record of the package, and
 * values of any model type with every field set, each to a value no other field of it shares.
 */
final class ModelValues {
  private ModelValues() {}

  /** Records of the package that are diagnostics, not configuration: they have no builder. */
  static final Set<Class<?>> NOT_CONFIG = Set.of(ConfigOrigin.class, ConfigProblem.class);

  /** Every public record of {@code dev.mesh4j.api.config}, nested ones included, by name. */
  static List<Class<?>> modelRecords() {
    List<Class<?>> out = new ArrayList<>();
    for (String name : classNames()) {
      Class<?> c;
      try {
        c = Class.forName(name);
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
      if (c.isRecord() && java.lang.reflect.Modifier.isPublic(c.getModifiers())
          && !NOT_CONFIG.contains(c)) {
        out.add(c);
      }
    }
    out.sort(Comparator.comparing(Class::getName));
    return out;
  }

  private static List<String> classNames() {
    Path location;
    try {
      location = Path.of(VirtualService.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
    String pkg = VirtualService.class.getPackageName().replace('.', '/');
    try {
      if (Files.isDirectory(location)) {
        return list(location.resolve(pkg), location);
      }
      try (FileSystem jar = FileSystems.newFileSystem(location)) {
        return list(jar.getPath(pkg), jar.getPath("/"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> list(Path dir, Path root) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> root.relativize(p).toString())
          .filter(n -> n.endsWith(".class"))
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
          .toList();
    }
  }

  /** The nested {@code Builder} class of a model record. */
  static Class<?> builderClass(Class<?> record) {
    for (Class<?> c : record.getDeclaredClasses()) {
      if (c.getSimpleName().equals("Builder")) {
        return c;
      }
    }
    throw new AssertionError(record.getName() + " has no nested Builder class");
  }

  /** A fresh builder of a model record: {@code builder()}, or {@code builder("name")} for kinds. */
  static Object newBuilder(Class<?> record) {
    try {
      if (IstioResource.class.isAssignableFrom(record)) {
        return record.getMethod("builder", String.class).invoke(null, "name");
      }
      return record.getMethod("builder").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** {@code value.toBuilder().build()}. */
  static Object rebuild(Object value) {
    try {
      Object builder = value.getClass().getMethod("toBuilder").invoke(value);
      return builder.getClass().getMethod("build").invoke(builder);
    } catch (InvocationTargetException e) {
      throw new AssertionError(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A value of the model record {@code type} with every component set (no null, no empty
   * collection) and no two components sharing a value, so that a builder that drops or mixes up
   * a field cannot rebuild an equal value.
   */
  static Object full(Class<?> type) {
    return new Filler().record(type);
  }

  /** Values of every parameter type of the builder methods, for calls whose result is ignored. */
  static Object dummy(Class<?> type) {
    if (type == String.class) {
      return "x";
    }
    if (type == int.class) {
      return 1;
    }
    if (type == long.class) {
      return 1L;
    }
    if (type == double.class) {
      return 1.0;
    }
    if (type == boolean.class) {
      return true;
    }
    if (type == byte[].class) {
      return new byte[0];
    }
    if (type.isArray()) {
      return Array.newInstance(type.getComponentType(), 0);
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return List.of();
    }
    if (Map.class.isAssignableFrom(type)) {
      return Map.of();
    }
    if (type == IstioResource.class) {
      return VirtualService.builder("x").build();
    }
    if (type == IstioResource.ResourceBuilder.class) {
      return VirtualService.builder("x");
    }
    if (type.getSimpleName().equals("Builder") && type.getEnclosingClass() != null) {
      // A builder that builds: required fields (a delay's duration) are set.
      Object value = full(type.getEnclosingClass());
      try {
        return value.getClass().getMethod("toBuilder").invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
    return new Filler().value(type, type, "x");
  }

  /** Fills records component by component with values unique within one call. */
  private static final class Filler {
    private int next = 1;

    Object record(Class<?> type) {
      RecordComponent[] components = type.getRecordComponents();
      Class<?>[] types = new Class<?>[components.length];
      Object[] args = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        args[i] = value(components[i].getType(), components[i].getGenericType(),
            components[i].getName());
      }
      try {
        Constructor<?> c = type.getDeclaredConstructor(types);
        return c.newInstance(args);
      } catch (InvocationTargetException e) {
        throw new AssertionError(type.getName(), e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(type.getName(), e);
      }
    }

    Object value(Class<?> type, Type generic, String name) {
      int n = next++;
      if (type == String.class) {
        return name + "-" + n;
      }
      if (type == int.class || type == Integer.class) {
        return 100 + n;
      }
      if (type == long.class || type == Long.class) {
        return 1000L + n;
      }
      if (type == double.class || type == Double.class) {
        return n + 0.5;
      }
      if (type == boolean.class) {
        return true;
      }
      if (type == Boolean.class) {
        return n % 2 == 0;
      }
      if (type == Duration.class) {
        return Duration.ofMillis(1000L * n + 1);
      }
      if (type == Instant.class) {
        return Instant.ofEpochSecond(1_700_000_000L + n);
      }
      if (type == ConfigOrigin.class) {
        return new ConfigOrigin("file-" + n + ".yaml", n + 1);
      }
      if (type.isEnum()) {
        Object[] constants = type.getEnumConstants();
        return constants[constants.length - 1];
      }
      if (type.isRecord()) {
        return record(type);
      }
      if (type == IstioResource.class) {
        return record(VirtualService.class);
      }
      if (type == List.class) {
        Type element = ((ParameterizedType) generic).getActualTypeArguments()[0];
        return List.of(value((Class<?>) element, element, name));
      }
      if (type == Map.class) {
        Type[] kv = ((ParameterizedType) generic).getActualTypeArguments();
        return Map.of(value((Class<?>) kv[0], kv[0], name), value((Class<?>) kv[1], kv[1], name));
      }
      throw new AssertionError("no value for " + generic + " (" + name + ")");
    }
  }

  /** Public methods a builder class declares itself (not build(), not bridges). */
  static List<Method> setters(Class<?> builder) {
    List<Method> out = new ArrayList<>();
    for (Method m : builder.getDeclaredMethods()) {
      if (java.lang.reflect.Modifier.isPublic(m.getModifiers()) && !m.isBridge()
          && !m.isSynthetic() && !m.getName().equals("build")) {
        out.add(m);
      }
    }
    out.sort(Comparator.comparing(Method::toString));
    return out;
  }
}
