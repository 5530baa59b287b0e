package io.flowcore.server;

import java.util.Locale;

/** What an API key may do; each role may do everything the roles before it may. */
public enum Role {
    /** Look at runs, deployments, queues, blocks (secrets masked) and rules. */
    READ,
    /** Also start, cancel and retry runs. */
    RUN,
    /**
     * Also what a remote engine or worker does through the engine API ({@code /api/engine}): claim and run
     * deployment runs, report their states and logs, read blocks with their secrets encrypted.
     */
    WORKER,
    /** Everything. */
    ADMIN;

    /** True when this role may do what {@code needed} may. */
    public boolean allows(Role needed) {
        return ordinal() >= needed.ordinal();
    }

    /** The role named {@code read}, {@code run}, {@code worker} or {@code admin} (any case). */
    public static Role parse(String name) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(name == null ? "" : name.trim())) return r;
        }
        throw new IllegalArgumentException("unknown role '" + name + "': use read, run, worker or admin");
    }

    /** {@code read}, {@code run}, {@code worker} or {@code admin}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
