package io.flowcore.engine.internal.discovery;

import io.flowcore.api.Flow;
import io.flowcore.api.Task;
import io.flowcore.api.TaskOptions;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.MethodDelegation;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * A user's flow class, checked against the rules and subclassed once per JVM so that calls of its
 * {@code @Task} and {@code @Flow} methods (also {@code this.task()} self-calls) are intercepted.
 */
public final class FlowClass {
    static volatile CallDispatcher dispatcher;

    private static final ClassValue<FlowClass> CACHE = new ClassValue<>() {
        @Override
        protected FlowClass computeValue(Class<?> type) {
            return new FlowClass(type);
        }
    };

    private final Class<?> type;
    private final Class<?> generated;
    private final Map<String, FlowDefinition> flowsBySignature;
    /** The flows by bare method name (a deployment names its method so); looked up on every run a worker starts. */
    private final Map<String, List<FlowDefinition>> flowsByName;
    /** The generated subclass's no-argument constructor, made accessible once. */
    private volatile java.lang.reflect.Constructor<?> constructor;

    /** Installs the runtime that receives intercepted calls. */
    public static void install(CallDispatcher d) {
        dispatcher = d;
    }

    /**
     * The flow class of {@code type}, generated on first use.
     *
     * @throws IllegalArgumentException naming every rule the class breaks
     */
    public static FlowClass of(Class<?> type) {
        return CACHE.get(type);
    }

    private FlowClass(Class<?> type) {
        this.type = type;
        List<String> errors = new ArrayList<>(MethodRules.checkClass(type));
        Map<Method, Object> definitions = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                boolean isTask = m.isAnnotationPresent(Task.class);
                boolean isFlow = m.isAnnotationPresent(Flow.class);
                if (!isTask && !isFlow) continue;
                if (isTask && isFlow) {
                    errors.add("method " + c.getSimpleName() + "." + m.getName() + "() has both @Task and @Flow: keep one");
                    continue;
                }
                if (!seen.add(signature(m))) continue; // overridden in a subclass: the subclass's wins
                List<String> e = MethodRules.checkMethod(m, isTask ? "@Task" : "@Flow");
                if (!e.isEmpty()) {
                    errors.addAll(e);
                    continue;
                }
                definitions.put(m, isTask ? task(m, errors) : flow(type, m, errors));
            }
        }
        if (definitions.values().stream().noneMatch(d -> d instanceof FlowDefinition) && errors.isEmpty()) {
            errors.add("class " + type.getName() + " has no @Flow method: annotate the method that runs the flow");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("flowcore cannot use " + type.getName() + ":\n  - "
                    + String.join("\n  - ", errors));
        }
        this.flowsBySignature = definitions.values().stream().filter(d -> d instanceof FlowDefinition)
                .map(d -> (FlowDefinition) d)
                .collect(Collectors.toUnmodifiableMap(FlowDefinition::signature, d -> d));
        this.flowsByName = flowsBySignature.values().stream()
                .collect(Collectors.groupingBy(f -> f.method().getName(), Collectors.toUnmodifiableList()));
        this.generated = generate(type, definitions);
    }

    private static TaskDefinition task(Method m, List<String> errors) {
        String key = m.getDeclaringClass().getName() + "#" + signature(m);
        return new TaskDefinition(key, m, TaskOptions.from(m.getName(), m.getAnnotation(Task.class)), names(m),
                Hooks.ofTask(m, errors));
    }

    private static FlowDefinition flow(Class<?> type, Method m, List<String> errors) {
        Flow f = m.getAnnotation(Flow.class);
        String name = f.name().isEmpty() ? dashed(m.getName()) : f.name();
        return new FlowDefinition(name, signature(m), m, io.flowcore.api.FlowOptions.from(f), names(m),
                Hooks.ofFlow(type, m, f, errors));
    }

    static String dashed(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> names(Method m) {
        return Arrays.stream(m.getParameters()).map(Parameter::getName).toList();
    }

    static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getTypeName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    /**
     * ClassValue may compute the same class's value on two threads at once; defining the subclass twice
     * would fail with a LinkageError, so generation is serialised and reuses a subclass already defined.
     */
    private static synchronized Class<?> generate(Class<?> type, Map<Method, Object> definitions) {
        try {
            return Class.forName(type.getName() + "$$Flowcore", false, type.getClassLoader());
        } catch (ClassNotFoundException notYet) {
            // define it below
        }
        DynamicType.Builder<?> b = new ByteBuddy().subclass(type).name(type.getName() + "$$Flowcore");
        for (Map.Entry<Method, Object> e : definitions.entrySet()) {
            Interceptor target = e.getValue() instanceof TaskDefinition t
                    ? new Interceptor(t, null) : new Interceptor(null, (FlowDefinition) e.getValue());
            Method m = e.getKey();
            b = b.method(ElementMatchers.named(m.getName())
                            .and(ElementMatchers.takesArguments(m.getParameterTypes()))
                            .and(ElementMatchers.isDeclaredBy(m.getDeclaringClass())))
                    .intercept(MethodDelegation.to(target));
        }
        if (Modifier.isPublic(type.getModifiers())) b = b.modifiers(Visibility.PUBLIC);
        try (DynamicType.Unloaded<?> unloaded = b.make()) {
            return unloaded.load(type.getClassLoader(), strategy(type)).getLoaded();
        }
    }

    private static ClassLoadingStrategy<ClassLoader> strategy(Class<?> type) {
        try {
            // Same class loader and package as the user's class, so package-private methods can be overridden.
            return ClassLoadingStrategy.UsingLookup.of(MethodHandles.privateLookupIn(type, MethodHandles.lookup()));
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("flowcore cannot subclass " + type.getName() + ": its package is not open "
                    + "to io.flowcore.engine (add 'opens " + type.getPackageName() + "' to your module-info)", e);
        }
    }

    public Class<?> type() {
        return type;
    }

    /** A new instance of the generated subclass. */
    public Object newInstance() {
        try {
            var c = constructor;
            if (c == null) {
                c = generated.getDeclaredConstructor();
                c.setAccessible(true);
                constructor = c;
            }
            return c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create an instance of " + type.getName() + ": " + e, e);
        }
    }

    /**
     * The flow with this {@code name(paramTypes)} signature, or with this method name when the class has
     * one {@code @Flow} method of that name (a deployment names its method without parameter types).
     */
    public FlowDefinition flow(String signature) {
        if (signature.indexOf('(') < 0) {
            List<FlowDefinition> named = flowsByName.getOrDefault(signature, List.of());
            if (named.size() == 1) return named.getFirst();
            throw new IllegalArgumentException("class " + type.getName() + " has " + (named.isEmpty() ? "no" : named.size())
                    + " @Flow methods named " + signature + "; its @Flow methods are " + flowsBySignature.keySet());
        }
        FlowDefinition d = flowsBySignature.get(signature);
        if (d == null) {
            throw new IllegalArgumentException("class " + type.getName() + " has no @Flow method " + signature
                    + "; it has " + flowsBySignature.keySet());
        }
        return d;
    }
}
