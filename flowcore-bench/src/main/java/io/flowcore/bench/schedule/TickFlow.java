package io.flowcore.bench.schedule;

import io.flowcore.api.Flow;

/** The flow the schedule benchmark deploys: it does nothing, so what is measured is the scheduling. */
public class TickFlow {
    static final String FLOW = "sched-tick";

    /** Does nothing. */
    @Flow(name = FLOW)
    public void tick() {
    }
}
