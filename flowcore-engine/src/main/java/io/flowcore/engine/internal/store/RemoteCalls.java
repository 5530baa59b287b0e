package io.flowcore.engine.internal.store;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.flowcore.api.spi.DeploymentStore;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.spi.WorkQueueStore;
import io.flowcore.engine.internal.remote.RemoteJson;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/*
 * The engine API between a remote engine (RemoteStateStore) and the store of a flowcore server: which calls
 * there are, and the server's half of them.
 *
 * Writes travel as journal-encoded StoreOps (OpBatches), idempotent, so a batch sent twice changes nothing.
 * Everything else is a call of the store interfaces (StateStore, DeploymentStore, WorkQueueStore) by name,
 * its arguments a JSON array read with the method's declared parameter types (never a type named by the
 * request), and its answer the JSON of what the method returned. Two calls are not on the interfaces:
 * runHead and claimState, which a remote RunWrites needs to number its writes.
 *
 * Roles: every call needs the worker role; the calls that change deployments, queues or delete runs need
 * admin (ADMIN). Not callable at all: the write methods (they come as ops), listeners, flush and close.
 */
public final class RemoteCalls {
    /** Calls that change what an administrator owns. */
    private static final Set<String> ADMIN = Set.of("applyDeployment", "removeDeployment", "createWorkQueue",
            "setWorkQueuePaused", "setWorkQueueConcurrencyLimit", "setWorkQueuePriority", "setDeploymentPaused",
            "deleteEndedRuns", "deleteEndedRunsAndResults", "blockSave", "blockDelete");
    /** Interface methods that are not calls: writes travel as ops, the rest is local to each side. */
    private static final Set<String> LOCAL = Set.of("name", "insertFlowRun", "insertTaskRun", "setFlowRunState",
            "setTaskRunState", "commitFinalState", "appendLog", "putCache", "heartbeat", "releaseLease", "forget",
            "onClaimLost", "onRunsQueued", "flush", "close");
    private static final Map<String, Method> CALLS = catalogue();

    private RemoteCalls() {
    }

    private static Map<String, Method> catalogue() {
        Map<String, Method> m = new HashMap<>();
        for (Class<?> c : List.of(StateStore.class, DeploymentStore.class, WorkQueueStore.class)) {
            for (Method method : c.getMethods()) {
                if (Modifier.isStatic(method.getModifiers()) || LOCAL.contains(method.getName())) continue;
                m.put(key(method.getName(), method.getParameterCount()), method);
            }
        }
        return Map.copyOf(m);
    }

    private static String key(String name, int arity) {
        return name + "/" + arity;
    }

    /** True when {@code call} needs the admin role (else the worker role will do). */
    public static boolean needsAdmin(String call) {
        return ADMIN.contains(call);
    }

    /** The interface method a client calls as {@code name} with {@code arity} arguments. */
    static Method method(String name, int arity) {
        Method m = CALLS.get(key(name, arity));
        if (m == null) throw new IllegalArgumentException("no engine API call " + name + " with " + arity + " arguments");
        return m;
    }

    /** The type {@code method} answers with, for reading its JSON. */
    static JavaType returnType(Method method) {
        return io.flowcore.engine.internal.remote.RemoteJson.MAPPER.getTypeFactory().constructType(method.getGenericReturnType());
    }

    /**
     * Applies a batch of writes a remote engine sent.
     *
     * @throws IllegalArgumentException when the batch cannot be read, or a write in it carries no claim epoch
     */
    public static void write(StateStore store, byte[] batch) {
        jdbc(store).submitRemote(OpBatches.decode(batch));
    }

    /**
     * Answers call {@code name} of a remote engine: {@code args} is the JSON array of its arguments.
     *
     * @return the JSON of the answer
     * @throws IllegalArgumentException for an unknown call or arguments that do not fit it (and whatever the
     *                                  store throws for them, as it is)
     */
    public static byte[] call(StateStore store, io.flowcore.api.block.BlockStore blocks, String name, byte[] args) {
        JdbcStateStore s = jdbc(store);
        JsonNode array;
        try {
            array = RemoteJson.MAPPER.readTree(args);
        } catch (IOException e) {
            throw new IllegalArgumentException("the arguments of " + name + " are not JSON: " + e.getMessage(), e);
        }
        if (array == null || !array.isArray()) throw new IllegalArgumentException("the arguments of " + name + " are not a JSON array");
        Object answer = switch (name) {
            case "runHead" -> s.runHead(uuid(array, name));
            case "claimState" -> s.claimState(uuid(array, name));
            case "awaitRunsQueued" -> awaitRunsQueued(s, array.path(0).asLong(0));
            case "blockFind" -> blocks.find(text(array, 0, name));
            case "blockList" -> blocks.list(array.path(0).isNull() ? null : text(array, 0, name));
            case "blockSave" -> blocks.save(RemoteJson.MAPPER.convertValue(array.get(0),
                    io.flowcore.api.block.BlockStore.Document.class), array.path(1).asBoolean(false));
            case "blockDelete" -> blocks.delete(text(array, 0, name));
            default -> invoke(s, method(name, array.size()), array);
        };
        try {
            return RemoteJson.MAPPER.writeValueAsBytes(answer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the answer of " + name + ": " + e.getMessage(), e);
        }
    }

    /** The longest a remote worker's wait for queued runs is held open. */
    static final long MAX_WAIT_MILLIS = 25_000;

    /**
     * Waits up to {@code millis} (at most {@link #MAX_WAIT_MILLIS}) for runs to be queued (PostgreSQL's NOTIFY; a
     * SQLite store never tells, so the wait runs out): how a remote worker is woken as a worker on the database is.
     *
     * @return true when runs were queued meanwhile
     */
    private static boolean awaitRunsQueued(JdbcStateStore s, long millis) {
        java.util.concurrent.CountDownLatch queued = new java.util.concurrent.CountDownLatch(1);
        try (AutoCloseable listening = s.onRunsQueued(queued::countDown)) {
            return queued.await(Math.max(0, Math.min(millis, MAX_WAIT_MILLIS)), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen for queued runs: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode array, int i, String name) {
        if (!array.path(i).isTextual()) throw new IllegalArgumentException("argument " + i + " of " + name + " must be a string");
        return array.get(i).asText();
    }

    private static UUID uuid(JsonNode array, String name) {
        if (array.size() != 1 || !array.get(0).isTextual()) throw new IllegalArgumentException(name + " takes one run id");
        return UUID.fromString(array.get(0).asText());
    }

    private static Object invoke(JdbcStateStore s, Method m, JsonNode array) {
        java.lang.reflect.Type[] types = m.getGenericParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            try {
                args[i] = RemoteJson.MAPPER.convertValue(array.get(i), io.flowcore.engine.internal.remote.RemoteJson.MAPPER.getTypeFactory().constructType(types[i]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("argument " + i + " of " + m.getName() + ": " + e.getMessage(), e);
            }
        }
        try {
            return m.invoke(s, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JdbcStateStore jdbc(StateStore store) {
        if (store instanceof JdbcStateStore j) return j;
        throw new IllegalStateException("remote engines need a server on a database store (SQLite or PostgreSQL), not the "
                + store.name() + " store");
    }
}
