package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine's public surface is its façade package {@code io.flowcore.engine}: every other public type lives
 * under {@code io.flowcore.engine.internal}, and nothing public in the façade mentions an internal type (a
 * user could not name it, and it would become API at the first release). The engine cannot be a named module
 * (lib-recur and its rfc5545-datetime share the package org.dmfs.rfc5545), so this test is the seal.
 */
class PublicSurfaceTests {
    private static final String FACADE = "io.flowcore.engine";
    private static final String INTERNAL = "io.flowcore.engine.internal.";

    @Test
    void everyPublicTypeIsInTheFacadeOrInternal() throws Exception {
        List<String> outside = new ArrayList<>();
        for (Class<?> c : engineClasses()) {
            if (isPublic(c) && !c.getPackageName().equals(FACADE) && !c.getPackageName().startsWith(INTERNAL)) {
                outside.add(c.getName());
            }
        }
        assertEquals(List.of(), outside, "public types outside " + FACADE + " and " + INTERNAL + "*");
    }

    @Test
    void theFacadeShowsNoInternalType() throws Exception {
        Set<String> leaks = new TreeSet<>();
        List<Class<?>> facade = engineClasses().stream()
                .filter(c -> c.getPackageName().equals(FACADE) && isPublic(c)).toList();
        assertTrue(facade.contains(Flowcore.class), "the scan found the façade: " + facade);
        for (Class<?> c : facade) {
            String where = c.getName();
            check(c.getGenericSuperclass(), where + " extends", leaks);
            for (Type t : c.getGenericInterfaces()) check(t, where + " implements", leaks);
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) check(rc.getGenericType(), where + "." + rc.getName(), leaks);
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers())) check(f.getGenericType(), where + "." + f.getName(), leaks);
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers())) checkExecutable(k, where + ".<init>", leaks);
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic()) {
                    check(m.getGenericReturnType(), where + "." + m.getName() + " returns", leaks);
                    checkExecutable(m, where + "." + m.getName(), leaks);
                }
            }
        }
        assertEquals(Set.of(), leaks, "internal types in the façade's public signatures");
    }

    private static void checkExecutable(Executable e, String where, Set<String> leaks) {
        for (Type p : e.getGenericParameterTypes()) check(p, where + " takes", leaks);
        for (Type x : e.getGenericExceptionTypes()) check(x, where + " throws", leaks);
    }

    private static void check(Type t, String where, Set<String> leaks) {
        if (t instanceof Class<?> c) {
            while (c.isArray()) c = c.getComponentType();
            if (c.getPackageName().startsWith(INTERNAL)) leaks.add(where + ": " + c.getName());
        } else if (t instanceof ParameterizedType p) {
            check(p.getRawType(), where, leaks);
            for (Type a : p.getActualTypeArguments()) check(a, where, leaks);
        } else if (t instanceof GenericArrayType g) {
            check(g.getGenericComponentType(), where, leaks);
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) check(b, where, leaks);
            for (Type b : w.getLowerBounds()) check(b, where, leaks);
        } else if (t instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) check(b, where, leaks);
        }
    }

    /** Public and, for a nested type, public all the way out. */
    private static boolean isPublic(Class<?> c) {
        for (Class<?> x = c; x != null; x = x.getDeclaringClass()) if (!Modifier.isPublic(x.getModifiers())) return false;
        return !c.isAnonymousClass() && !c.isLocalClass() && !c.isSynthetic();
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** The classes of the engine's main output (a folder in this build, a jar elsewhere is not scanned). */
    private static List<Class<?>> engineClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(Flowcore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(root), "the engine's classes are a folder here: " + root);
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.endsWith("module-info") || name.endsWith("package-info")) continue;
                out.add(Class.forName(name, false, PublicSurfaceTests.class.getClassLoader()));
            }
        }
        return out;
    }
}
