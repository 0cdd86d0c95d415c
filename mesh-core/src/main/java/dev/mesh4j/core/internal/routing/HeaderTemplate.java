package dev.mesh4j.core.internal.routing;

import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.HeaderMutation.Kind;
import dev.mesh4j.core.http.HeaderMutation.Op;
import dev.mesh4j.core.internal.common.HeaderFormat;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Header operations whose values may hold {@code %VARIABLE%}s ({@link HeaderFormat}), formatted
 * into a {@link HeaderMutation} for each request or response. Without variables it is that
 * mutation, compiled once: {@link #format} then returns it and allocates nothing. Immutable and
 * thread-safe.
 */
public final class HeaderTemplate {
  /** Changes nothing. */
  public static final HeaderTemplate NONE = new HeaderTemplate(List.of(), List.of());

  private final Op[] ops;
  /** Per operation, its value's format when it has variables; else null (the op's value is the text). */
  private final @Nullable HeaderFormat[] formats;
  private final @Nullable HeaderMutation literal;

  private HeaderTemplate(List<Op> ops, List<@Nullable HeaderFormat> formats) {
    this.ops = ops.toArray(new Op[0]);
    this.formats = formats.toArray(new HeaderFormat[0]);
    boolean dynamic = false;
    for (HeaderFormat f : this.formats) {
      dynamic |= f != null;
    }
    this.literal = dynamic ? null : HeaderMutation.of(ops);
  }

  /** Builds a template operation by operation. */
  static final class Builder {
    private final List<Op> ops = new ArrayList<>();
    private final List<@Nullable HeaderFormat> formats = new ArrayList<>();

    void remove(String name) {
      ops.add(new Op(Kind.REMOVE, name, ""));
      formats.add(null);
    }

    /** A set or add; a literal value that is empty is skipped, as Envoy skips it. */
    void put(Kind kind, String name, HeaderFormat value) {
      if (value.isLiteral()) {
        if (!value.literal().isEmpty()) {
          ops.add(new Op(kind, name, value.literal()));
          formats.add(null);
        }
      } else {
        ops.add(new Op(kind, name, value.toString()));
        formats.add(value);
      }
    }

    HeaderTemplate build() {
      return ops.isEmpty() ? NONE : new HeaderTemplate(ops, formats);
    }
  }

  /** Whether no value has a variable: {@link #format} needs no values then. */
  public boolean isLiteral() {
    return literal != null;
  }

  /** This template's operations after {@code first}'s (literal ones, such as cookies to set). */
  public HeaderTemplate after(HeaderMutation first) {
    if (first.isEmpty()) {
      return this;
    }
    List<Op> all = new ArrayList<>(first.ops());
    List<@Nullable HeaderFormat> f = new ArrayList<>();
    first.ops().forEach(op -> f.add(null));
    all.addAll(List.of(ops));
    f.addAll(java.util.Arrays.asList(formats));
    return new HeaderTemplate(all, f);
  }

  /** This template's operations, then {@code next}'s. */
  public HeaderTemplate then(HeaderTemplate next) {
    if (next.ops.length == 0) {
      return this;
    }
    if (ops.length == 0) {
      return next;
    }
    List<Op> all = new ArrayList<>(List.of(ops));
    all.addAll(List.of(next.ops));
    List<@Nullable HeaderFormat> f = new ArrayList<>(java.util.Arrays.asList(formats));
    f.addAll(java.util.Arrays.asList(next.formats));
    return new HeaderTemplate(all, f);
  }

  /**
   * The operations with every value formatted from {@code values}; a value that comes out empty
   * is not sent (Envoy's rule). {@code values} may be null only for a {@linkplain #isLiteral literal}
   * template.
   */
  public HeaderMutation format(HeaderFormat.@Nullable Values values) {
    if (literal != null) {
      return literal;
    }
    if (values == null) {
      throw new IllegalStateException("a template with variables needs values: " + this);
    }
    List<Op> out = new ArrayList<>(ops.length);
    for (int i = 0; i < ops.length; i++) {
      HeaderFormat f = formats[i];
      if (f == null) {
        out.add(ops[i]);
        continue;
      }
      String v = f.format(values);
      if (!v.isEmpty()) {
        out.add(new Op(ops[i].kind(), ops[i].name(), v));
      }
    }
    return HeaderMutation.of(out);
  }

  @Override
  public String toString() {
    return HeaderMutation.of(List.of(ops)).toString();
  }
}
