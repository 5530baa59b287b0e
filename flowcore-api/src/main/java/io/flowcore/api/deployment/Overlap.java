package io.flowcore.api.deployment;

import java.util.Locale;
import java.util.Objects;

/**
 * How many runs of a deployment may be active (Pending, Running or Cancelling) at once, over every worker,
 * and what happens to a run that comes due while that many are (Airflow's {@code max_active_runs}). The
 * limit holds at claim time in the store: two workers claiming at once never start a run past it.
 *
 * <pre>{@code
 * Deployment.of(EtlParentFlow.class, "etlParentFlow", "monthly").withOverlap(Overlap.queue(1));
 * }</pre>
 *
 * @param maxActive at least 1
 * @param policy    what a run that comes due at the limit does
 */
public record Overlap(int maxActive, Policy policy) {
    /** What a run that comes due while {@code maxActive} runs are active does. */
    public enum Policy {
        /** It waits, Scheduled (and Late after a while), until a run ends; then the oldest due run starts. */
        QUEUE;

        /** {@code queue}, as written in YAML. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * The policy written {@code name} in YAML.
         *
         * @throws IllegalArgumentException naming the value and the policies there are
         */
        public static Policy parse(String name) {
            for (Policy p : values()) if (p.yamlName().equalsIgnoreCase(name)) return p;
            throw new IllegalArgumentException("overlap policy '" + name + "' is not supported (supported: queue; "
                    + "skip and cancel-previous are not there yet)");
        }
    }

    public Overlap {
        if (maxActive < 1) throw new IllegalArgumentException("overlap maxActive must be >= 1: " + maxActive);
        Objects.requireNonNull(policy, "overlap policy");
    }

    /** At most {@code maxActive} runs at once; a run that comes due at the limit waits for one to end. */
    public static Overlap queue(int maxActive) {
        return new Overlap(maxActive, Policy.QUEUE);
    }

    /** {@code maxActive=1, policy=queue}, as {@code deployment inspect} shows it. */
    @Override
    public String toString() {
        return "maxActive=" + maxActive + ", policy=" + policy.yamlName();
    }
}
