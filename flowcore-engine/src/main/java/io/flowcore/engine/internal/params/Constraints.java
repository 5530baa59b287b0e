package io.flowcore.engine.internal.params;

import io.flowcore.api.deployment.InvalidParametersException.Violation;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.executable.ExecutableValidator;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.bytebuddy.ByteBuddy;
import org.hibernate.validator.HibernateValidator;

/*
 * Checks converted arguments against the Bean Validation constraints of a method's parameters with
 * Hibernate Validator's ExecutableValidator, and turns each violation into a path like months[1] or
 * window.start.
 *
 * validateParameters wants an instance of the method's class, only to find the class's constraint
 * metadata: the flow's constructor must not run for that (it may open connections), so the instance is
 * allocated without one, and never used. A flow method declared in an abstract class gets an empty
 * generated subclass first.
 */
final class Constraints {
    // English messages whatever the machine's locale: the schema check words its messages the same way
    private static final ValidatorFactory FACTORY = factory();
    private static final ExecutableValidator VALIDATOR = FACTORY.getValidator().forExecutables();
    private static final ClassValue<Object> ROOTS = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            return allocate(type);
        }
    };

    private Constraints() {
    }

    private static ValidatorFactory factory() {
        // Hibernate Validator logs through jboss-logging, which picks SLF4J only beside Logback and otherwise
        // prints its INFO lines through java.util.logging (on a worker's child JVM, into the run's log as
        // stderr): it logs where the engine does instead, unless the application chose a provider.
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
        return Validation.byProvider(HibernateValidator.class).configure().defaultLocale(Locale.ENGLISH)
                .buildValidatorFactory();
    }

    /** Loads the validator (this class's initialisation: a few hundred milliseconds of class loading). */
    static void load() {
        FACTORY.getClass();
    }

    /** The violations of {@code args} against {@code m}'s parameter constraints, by parameter path. */
    static List<Violation> check(Method m, Object[] args, List<String> parameterNames) {
        if (!ConstraintScan.mayHaveConstraints(m)) return List.of();
        List<Violation> found = new ArrayList<>();
        for (ConstraintViolation<Object> v : VALIDATOR.validateParameters(ROOTS.get(m.getDeclaringClass()), m, args)) {
            found.add(new Violation(path(v.getPropertyPath(), parameterNames), ParameterJson.render(v.getInvalidValue()),
                    v.getMessage()));
        }
        return found;
    }

    private static String path(Path path, List<String> parameterNames) {
        StringBuilder s = new StringBuilder();
        for (Path.Node n : path) {
            ElementKind kind = n.getKind();
            if (kind == ElementKind.METHOD || kind == ElementKind.CONSTRUCTOR || kind == ElementKind.CROSS_PARAMETER
                    || kind == ElementKind.RETURN_VALUE) {
                continue;
            }
            if (kind == ElementKind.PARAMETER) {
                s.append(parameterNames.get(n.as(Path.ParameterNode.class).getParameterIndex()));
                continue;
            }
            if (n.isInIterable()) s.append('[').append(n.getIndex() != null ? n.getIndex() : n.getKey()).append(']');
            if (kind == ElementKind.PROPERTY) s.append('.').append(n.getName());
        }
        return s.isEmpty() ? "(parameters)" : s.toString();
    }

    private static Object allocate(Class<?> type) {
        Class<?> concrete = type;
        if (Modifier.isAbstract(type.getModifiers()) && !type.isInterface()) {
            concrete = new ByteBuddy().subclass(type).make().load(type.getClassLoader()).getLoaded();
        }
        try {
            return unsafe().allocateInstance(concrete);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot check the parameters of " + type.getName()
                    + "'s methods: no instance of it can be made for the validator (" + e + ")", e);
        }
    }

    private static sun.misc.Unsafe unsafe() throws ReflectiveOperationException {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        return (sun.misc.Unsafe) f.get(null);
    }
}
