package dev.mesh4j.benchmarks.footprint;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.openjdk.jol.util.ObjectUtils;
import org.openjdk.jol.vm.VM;
import org.openjdk.jol.vm.VirtualMachine;

/**
 * The shallow sizes (as JOL computes them for this JVM) of every object reachable from some
 * roots, each counted once — like JOL's {@code GraphLayout.totalSize()}, except that the walk
 * does not enter what a mesh shares with the whole JVM: threads, thread groups, class loaders,
 * classes and executors. JOL's own walk goes from Caffeine's maintenance executor (the common
 * fork-join pool) into its worker threads and from there into the application's class loader,
 * and so counts megabytes that are no mesh's.
 */
final class ReachableSize {
  private static final Map<Class<?>, List<Field>> FIELDS = new ConcurrentHashMap<>();

  private ReachableSize() {}

  /** Bytes reachable from the roots, shared objects counted once. */
  static long of(Object... roots) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object> todo = new ArrayDeque<>();
    for (Object r : roots) {
      if (r != null && seen.add(r)) {
        todo.add(r);
      }
    }
    long total = 0;
    VirtualMachine vm = VM.current();
    while (!todo.isEmpty()) {
      Object o = todo.poll();
      total += vm.sizeOf(o);
      Class<?> type = o.getClass();
      if (type.isArray()) {
        if (!type.getComponentType().isPrimitive()) {
          for (int i = 0, n = Array.getLength(o); i < n; i++) {
            visit(Array.get(o, i), seen, todo);
          }
        }
        continue;
      }
      for (Field f : fields(type)) {
        visit(ObjectUtils.value(o, f), seen, todo);
      }
    }
    return total;
  }

  private static void visit(Object child, Set<Object> seen, Deque<Object> todo) {
    if (child == null || shared(child) || !seen.add(child)) {
      return;
    }
    todo.add(child);
  }

  private static boolean shared(Object o) {
    return o instanceof Thread || o instanceof ThreadGroup || o instanceof ClassLoader
        || o instanceof Class<?> || o instanceof Executor;
  }

  private static List<Field> fields(Class<?> type) {
    return FIELDS.computeIfAbsent(type, t -> {
      List<Field> out = new ArrayList<>();
      for (Class<?> c = t; c != null; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
            out.add(f);
          }
        }
      }
      return out;
    });
  }
}
