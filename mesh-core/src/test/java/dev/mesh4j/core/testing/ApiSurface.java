package dev.mesh4j.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The public API of a module as text — every public type of its API packages with its public and
 * protected members — checked in as {@code api/<module>.api} and compared by a test, so that
 * every API change is a deliberate diff (as OkHttp's API dump). Regenerate with
 * {@code -Dmesh4j.api.update=true} and commit the file. Test fixture.
 */
public final class ApiSurface {
  private ApiSurface() {}

  /**
   * The API of the given packages (not their sub-packages) compiled into {@code classes} (a
   * module's {@code target/classes}), one line per member, sorted.
   */
  public static String of(Path classes, String... packages) {
    JavaClasses imported = classes(classes);
    List<String> lines = new ArrayList<>();
    for (JavaClass jc : imported) {
      if (!Arrays.asList(packages).contains(jc.getPackageName())) {
        continue;
      }
      Class<?> c = jc.reflect();
      if (!isExported(c)) {
        continue;
      }
      lines.add(describe(c));
    }
    lines.sort(Comparator.naturalOrder());
    return String.join("\n", lines) + "\n";
  }

  /** The classes of a module's classes folder or jar. */
  public static JavaClasses classes(Path location) {
    if (Files.isRegularFile(location)) {
      try (java.util.jar.JarFile jar = new java.util.jar.JarFile(location.toFile())) {
        return new ClassFileImporter().importJar(jar);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return new ClassFileImporter().importPath(location);
  }

  /** Public, and nested only in public types. */
  private static boolean isExported(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static String describe(Class<?> c) {
    List<String> members = new ArrayList<>();
    if (c.isRecord()) {
      StringBuilder r = new StringBuilder("record(");
      for (RecordComponent rc : c.getRecordComponents()) {
        r.append(r.length() > 7 ? ", " : "").append(rc.getGenericType().getTypeName()).append(' ').append(rc.getName());
      }
      members.add(r.append(')').toString());
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (visible(k.getModifiers()) && !k.isSynthetic()) {
        members.add(k.toGenericString());
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
        members.add(m.toGenericString());
      }
    }
    for (Field f : c.getDeclaredFields()) {
      if (visible(f.getModifiers()) && !f.isSynthetic()) {
        members.add(f.toGenericString());
      }
    }
    members.sort(Comparator.naturalOrder());
    String kind = c.isRecord() ? "record" : c.isEnum() ? "enum" : c.isAnnotation() ? "@interface"
        : c.isInterface() ? "interface" : "class";
    String supers = (c.getGenericSuperclass() == null || c.getSuperclass() == Object.class
        || c.getSuperclass() == Record.class || c.getSuperclass() == Enum.class ? ""
        : " extends " + c.getGenericSuperclass().getTypeName())
        + (c.getGenericInterfaces().length == 0 ? "" : " implements "
        + String.join(", ", Arrays.stream(c.getGenericInterfaces()).map(t -> t.getTypeName()).toList()));
    StringBuilder sb = new StringBuilder(Modifier.toString(c.getModifiers() & ~Modifier.STATIC & ~Modifier.INTERFACE
        & ~Modifier.ABSTRACT | (c.isInterface() ? 0 : c.getModifiers() & Modifier.ABSTRACT)))
        .append(' ').append(kind).append(' ').append(c.getName()).append(supers);
    for (String m : members) {
      sb.append("\n  ").append(m);
    }
    return sb.toString();
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /**
   * Compares a module's API with its checked-in dump ({@code api/<module>.api} under the module),
   * or rewrites the dump when {@code -Dmesh4j.api.update=true}.
   */
  public static void check(Path dump, String actual) throws IOException {
    if (Boolean.getBoolean("mesh4j.api.update") || !Files.exists(dump)) {
      Files.createDirectories(dump.getParent());
      Files.writeString(dump, actual, StandardCharsets.UTF_8);
      if (!Boolean.getBoolean("mesh4j.api.update")) {
        throw new AssertionError("wrote the missing API dump " + dump + "; review and commit it");
      }
      return;
    }
    assertThat(actual)
        .as("the public API changed: if that is deliberate, run the build with -Dmesh4j.api.update=true and"
            + " commit %s", dump)
        .isEqualTo(Files.readString(dump, StandardCharsets.UTF_8));
  }
}
