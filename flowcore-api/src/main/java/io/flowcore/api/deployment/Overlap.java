package io.flowcore.api.deployment;

import java.util.Locale;
import java.util.Objects;

/**
 * How many runs of a deployment may be active (Pending, Running or Cancelling) at once, over every worker,
 * and what happens to a run that comes due while that many are (Airflow's {@code max_active_runs}). The
 * limit holds at claim time in the store: two workers claiming at once never start a run past it. Under
 * {@link Policy#SKIP} and {@link Policy#CANCEL_PREVIOUS} a pass of the workers' schedulers (every poll
 * interval) acts on the runs that are due while the deployment is at its limit, in one store transaction
 * with the claim's lock, so a run is never both skipped and started and no run gets two cancel requests.
 *
 * <pre>{@code
 * Deployment.of(EtlParentFlow.class, "etlParentFlow", "monthly").withOverlap(Overlap.queue(1));
 * Deployment.of(EtlParentFlow.class, "etlParentFlow", "hourly").withOverlap(Overlap.skip(1));
 * Deployment.of(EtlParentFlow.class, "etlParentFlow", "latest").withOverlap(Overlap.cancelPrevious(1));
 * }</pre>
 *
 * @param maxActive at least 1
 * @param policy    what a run that comes due at the limit does
 */
public record Overlap(int maxActive, Policy policy) {
    /** What a run that comes due while {@code maxActive} runs are active does. */
    public enum Policy {
        /** It waits, Scheduled (and Late after a while), until a run ends; then the oldest due run starts. */
        QUEUE,
        /**
         * It does not start: it ends Cancelled, named {@code Skipped}, with the reason (Airflow's
         * {@code max_active_runs} without queueing). Of several runs due at once, as many as there is room
         * for start (the oldest) and the others are skipped.
         */
        SKIP,
        /**
         * The oldest Running runs of the deployment get a cancel request (they end Cancelled, wherever they
         * run), and the due run starts once there is room; until then it waits as under {@link #QUEUE}. A run
         * claimed but not yet Running is not cancelled (it counts as active; a later pass cancels it).
         */
        CANCEL_PREVIOUS;

        /** {@code queue}, {@code skip} or {@code cancel-previous}, as written in YAML. */
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
            throw new IllegalArgumentException("overlap policy '" + name + "' is not supported (supported: queue, "
                    + "skip, cancel-previous)");
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

    /** At most {@code maxActive} runs at once; a run that comes due at the limit ends Skipped instead of starting. */
    public static Overlap skip(int maxActive) {
        return new Overlap(maxActive, Policy.SKIP);
    }

    /**
     * At most {@code maxActive} runs at once; a run that comes due at the limit has the oldest running ones
     * cancelled and starts when they have ended.
     */
    public static Overlap cancelPrevious(int maxActive) {
        return new Overlap(maxActive, Policy.CANCEL_PREVIOUS);
    }

    /** {@code maxActive=1, policy=queue}, as {@code deployment inspect} shows it. */
    @Override
    public String toString() {
        return "maxActive=" + maxActive + ", policy=" + policy.yamlName();
    }
}
