package dev.mesh4j.core.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.HeaderOperations;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.internal.common.HeaderFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Header operations compiled once, formatted per request only where a value has variables. */
class HeaderTemplateTest {
  /** Values of a request with one header. */
  static final HeaderFormat.Values VALUES = new HeaderFormat.Values() {
    @Override
    public @Nullable String requestHeader(String name) {
      return name.equals("end-user") ? "jason" : null;
    }

    @Override
    public long startMillis() {
      return 0;
    }

    @Override
    public String cluster() {
      return "";
    }

    @Override
    public String routeName() {
      return "";
    }

    @Override
    public @Nullable String upstreamHost() {
      return null;
    }

    @Override
    public int responseCode() {
      return 0;
    }

    @Override
    public String responseFlags() {
      return "";
    }
  };

  @Test
  void aTemplateWithoutVariablesIsOneMutationReusedForEveryRequest() {
    HeaderTemplate t = HeaderCompiler.parser(new HeaderOperations(Map.of("x-a", "100%%"), Map.of(), List.of("x-b")))
        .template();
    assertThat(t.isLiteral()).isTrue();
    assertThat(t.format(null)).isSameAs(t.format(VALUES));
    assertThat(t.format(null).toString()).isEqualTo("remove x-b, set x-a=100%");
  }

  @Test
  void variablesAreFormattedInOrderAndEmptyValuesDropped() {
    HeaderTemplate t = HeaderCompiler.parser(new HeaderOperations(
        Map.of("x-user", "%REQ(end-user)%", "x-gone", "%REQ(x-none)%"), Map.of("x-add", "a"), List.of("x-rm")))
        .template();
    assertThat(t.isLiteral()).isFalse();
    HeaderMutation m = t.format(VALUES);
    assertThat(m.ops()).extracting(HeaderMutation.Op::toString).containsExactly(
        "Op[kind=REMOVE, name=x-rm, value=]", "Op[kind=SET, name=x-user, value=jason]",
        "Op[kind=ADD, name=x-add, value=a]");
  }

  @Test
  void literalOperationsGoFirstWhenPrepended() {
    HeaderTemplate t = HeaderCompiler.parser(new HeaderOperations(Map.of("x-user", "%REQ(end-user)%"), Map.of(),
        List.of())).template();
    HeaderMutation cookie = HeaderMutation.of(List.of(new HeaderMutation.Op(HeaderMutation.Kind.ADD, "set-cookie", "c=1")));
    assertThat(t.after(cookie).format(VALUES).toString()).isEqualTo("add set-cookie=c=1, set x-user=jason");
  }
}
