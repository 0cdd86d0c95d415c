package dev.mesh4j.core.http;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of header operations (remove, set, add), compiled from a route's and a
 * destination's {@code headers} in the order Envoy applies them. Immutable and thread-safe.
 */
public final class HeaderMutation {

  /** Changes nothing. */
  public static final HeaderMutation NONE = new HeaderMutation(List.of());

  /** What a transport does for each operation. */
  public interface Target {
    /** Removes every value of the header. */
    void remove(String name);

    /** Replaces every value of the header with this one. */
    void set(String name, String value);

    /** Adds a value, keeping existing ones. */
    void add(String name, String value);

    /** A target made of three operations, e.g. a request builder's methods. */
    static Target of(java.util.function.Consumer<String> remove,
        java.util.function.BiConsumer<String, String> set,
        java.util.function.BiConsumer<String, String> add) {
      return new Target() {
        @Override
        public void remove(String name) {
          remove.accept(name);
        }

        @Override
        public void set(String name, String value) {
          set.accept(name, value);
        }

        @Override
        public void add(String name, String value) {
          add.accept(name, value);
        }
      };
    }
  }

  /** One operation. */
  public record Op(Kind kind, String name, String value) {
    public Op {
      requireNonNull(kind, "kind");
      requireNonNull(name, "name");
      requireNonNull(value, "value");
    }
  }

  /** The operation kinds. */
  public enum Kind {
    REMOVE,
    SET,
    ADD
  }

  private final Op[] ops;

  private HeaderMutation(List<Op> ops) {
    this.ops = ops.toArray(new Op[0]);
  }

  /** A mutation performing {@code ops} in order. */
  public static HeaderMutation of(List<Op> ops) {
    return ops.isEmpty() ? NONE : new HeaderMutation(ops);
  }

  /** This mutation followed by another. */
  public HeaderMutation then(HeaderMutation next) {
    if (next.ops.length == 0) {
      return this;
    }
    if (ops.length == 0) {
      return next;
    }
    List<Op> all = new ArrayList<>(List.of(ops));
    all.addAll(List.of(next.ops));
    return new HeaderMutation(all);
  }

  public boolean isEmpty() {
    return ops.length == 0;
  }

  /** The operations, in order. */
  public List<Op> ops() {
    return List.of(ops);
  }

  /** Performs every operation on the target, in order. */
  public void applyTo(Target target) {
    for (Op op : ops) {
      switch (op.kind) {
        case REMOVE -> target.remove(op.name);
        case SET -> target.set(op.name, op.value);
        case ADD -> target.add(op.name, op.value);
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Op op : ops) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(op.kind.name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(op.name);
      if (op.kind != Kind.REMOVE) {
        sb.append('=').append(op.value);
      }
    }
    return sb.toString();
  }
}
