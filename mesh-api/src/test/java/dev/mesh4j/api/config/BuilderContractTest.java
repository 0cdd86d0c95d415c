package dev.mesh4j.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every builder of the config model keeps, checked by reflection over the whole
 * package so that a record added later cannot miss it: a builder exists, {@code toBuilder()}
 * carries every field, setters are fluent and reject null naming the argument, and each nested
 * builder is accepted wherever its value is.
 */
class BuilderContractTest {

  static Stream<Class<?>> records() {
    return ModelValues.modelRecords().stream();
  }

  @Test
  void theWholeModelIsCovered() {
    // Guards the class scan itself: a broken scan would make every other test here vacuous.
    assertThat(ModelValues.modelRecords()).contains(VirtualService.class, DestinationRule.class,
        ServiceEntry.class, WorkloadEntry.class, Sidecar.class, Gateway.class, MeshConfig.class,
        ObjectMeta.class, HttpRoute.class, HttpFaultInjection.Delay.class, Gateway.Server.class,
        ConsistentHashLb.Attribute.class, ConnectionPoolSettings.Http.class)
        .hasSizeGreaterThanOrEqualTo(40);
  }

  @ParameterizedTest
  @MethodSource("records")
  void everyRecordHasABuilderAndToBuilder(Class<?> record) throws NoSuchMethodException {
    Class<?> builder = ModelValues.builderClass(record);
    assertThat(Modifier.isPublic(builder.getModifiers())).as("public").isTrue();
    assertThat(Modifier.isStatic(builder.getModifiers())).as("static").isTrue();
    assertThat(Modifier.isFinal(builder.getModifiers())).as("final").isTrue();
    for (Constructor<?> c : builder.getDeclaredConstructors()) {
      assertThat(Modifier.isPrivate(c.getModifiers())).as("constructor %s private", c).isTrue();
    }
    Method factory = IstioResource.class.isAssignableFrom(record)
        ? record.getMethod("builder", String.class)
        : record.getMethod("builder");
    assertThat(Modifier.isStatic(factory.getModifiers())).isTrue();
    assertThat(factory.getReturnType()).isEqualTo(builder);
    assertThat(record.getMethod("toBuilder").getReturnType()).isEqualTo(builder);
    assertThat(builder.getMethod("build").getReturnType()).isEqualTo(record);
  }

  @ParameterizedTest
  @MethodSource("records")
  void toBuilderCarriesEveryField(Class<?> record) {
    Object full = ModelValues.full(record);

    Object rebuilt = ModelValues.rebuild(full);

    assertThat(rebuilt).isEqualTo(full).isNotSameAs(full);
  }

  @ParameterizedTest
  @MethodSource("records")
  void settersAreFluent(Class<?> record) throws Exception {
    Object builder = ModelValues.newBuilder(record);
    for (Method m : ModelValues.setters(builder.getClass())) {
      Object[] args = Arrays.stream(m.getParameterTypes()).map(ModelValues::dummy).toArray();

      Object result = m.invoke(builder, args);

      assertThat(result).as(m.toString()).isSameAs(builder);
    }
  }

  @ParameterizedTest
  @MethodSource("records")
  void settersRejectNullNamingTheArgument(Class<?> record) {
    for (Method m : ModelValues.setters(ModelValues.builderClass(record))) {
      Parameter[] params = m.getParameters();
      for (int i = 0; i < params.length; i++) {
        Class<?> type = params[i].getType();
        if (type.isPrimitive()) {
          continue;
        }
        String name = params[i].getName();
        assertRejected(record, m, i, null, name);
        // A null inside an array, collection or map is as wrong as a null argument.
        if (type.isArray() && !type.getComponentType().isPrimitive()) {
          assertRejected(record, m, i, Array.newInstance(type.getComponentType(), 1), name);
        } else if (Collection.class.isAssignableFrom(type)) {
          assertRejected(record, m, i, new ArrayList<>(Arrays.asList((Object) null)), name);
        } else if (Map.class.isAssignableFrom(type)) {
          Map<Object, Object> nullValue = new HashMap<>();
          nullValue.put("k", null);
          assertRejected(record, m, i, nullValue, name);
        }
      }
    }
  }

  private static void assertRejected(Class<?> record, Method m, int index, Object value,
      String name) {
    Object[] args = Arrays.stream(m.getParameterTypes()).map(ModelValues::dummy).toArray();
    args[index] = value;
    Object builder = ModelValues.newBuilder(record);
    assertThatThrownBy(() -> invoke(m, builder, args))
        .as("%s with %s as argument %s", m, value, name)
        .isInstanceOf(NullPointerException.class)
        .hasMessage(name);
  }

  private static void invoke(Method m, Object target, Object[] args) throws Throwable {
    try {
      m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @ParameterizedTest
  @MethodSource("records")
  void aNestedBuilderIsAcceptedWhereverItsValueIs(Class<?> record) {
    Class<?> builder = ModelValues.builderClass(record);
    List<Method> setters = ModelValues.setters(builder);
    for (Method m : setters) {
      Class<?>[] types = m.getParameterTypes();
      Class<?>[] valueTypes = types.clone();
      boolean takesBuilder = false;
      for (int i = 0; i < types.length; i++) {
        Class<?> t = types[i].isArray() ? types[i].getComponentType() : types[i];
        if (t.getSimpleName().equals("Builder") && t.getEnclosingClass() != null
            && t.getEnclosingClass().isRecord()) {
          takesBuilder = true;
          Class<?> value = t.getEnclosingClass();
          valueTypes[i] = types[i].isArray() ? Array.newInstance(value, 0).getClass() : value;
        }
      }
      if (takesBuilder) {
        assertThat(setters).as("%s has a twin taking the built value", m)
            .anyMatch(v -> v.getName().equals(m.getName())
                && Arrays.equals(v.getParameterTypes(), valueTypes));
      }
    }
  }
}
