package io.flowcore.api.spi;

import io.flowcore.api.RunContext;
import io.flowcore.api.TaskFuture;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * The bridge from the API's static entry points ({@code RunContext.current()}, {@code Tasks.submit})
 * to the engine on the classpath, found once with {@link ServiceLoader}.
 */
public interface FlowcoreRuntime {

    /** The run context of this thread, or null when no run executes on it. */
    RunContext currentContext();

    /** See {@link io.flowcore.api.Tasks#submit}. */
    <T> TaskFuture<T> submit(Callable<T> call);

    /** See {@link io.flowcore.api.Flows#create}. */
    <T> T newFlowInstance(Class<T> flowClass);

    /** The runtime found on the classpath. */
    /** Creates a run of a deployment from inside a flow run, as its child; see {@code Flows.runDeployment}. */
    io.flowcore.api.run.FlowRunRecord runDeployment(String fullName, java.util.Map<String, ?> parameters,
                                                    java.time.Duration timeout);

    static FlowcoreRuntime get() {
        return Holder.RUNTIME;
    }

    final class Holder {
        private Holder() {
        }

        static final FlowcoreRuntime RUNTIME = ServiceLoader.load(FlowcoreRuntime.class).findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "No flowcore engine on the classpath: add the io.flowcore:flowcore-engine dependency."));
    }
}
