package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.state.StateMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the state machine table")
class StateMachineTests {

    @Test
    void finalStatesHaveNoWayOut() {
        for (StateType t : StateType.values()) {
            if (t.isFinal()) assertTrue(StateMachine.targets(t).isEmpty(), t.name());
            else assertFalse(StateMachine.targets(t).isEmpty(), t.name());
        }
    }

    @Test
    void anIllegalTransitionIsRejectedNamingTheRunAndBothStates() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StateMachine.check("Task run 'x-0'", StateType.COMPLETED, StateType.RUNNING));
        assertTrue(e.getMessage().contains("Task run 'x-0': COMPLETED -> RUNNING"), e.getMessage());
    }

    /** Writes docs/states.md from the table, so the docs can never drift from the code. */
    @Test
    void theDocsPageIsGeneratedFromTheTable() throws IOException {
        StringBuilder md = new StringBuilder("""
                # States

                Generated from `StateMachine` by `StateMachineTests`: do not edit by hand.

                A run starts in SCHEDULED or PENDING. Named variants keep their type's meaning:
                AwaitingRetry and Late are SCHEDULED, Retrying is RUNNING, Cached and Resumed are COMPLETED,
                TimedOut is FAILED.

                | from | may go to | final |
                |---|---|---|
                """);
        for (StateType t : StateType.values()) {
            md.append("| ").append(t).append(" | ")
                    .append(StateMachine.targets(t).isEmpty() ? "—" : StateMachine.targets(t).toString()
                            .replaceAll("[\\[\\]]", ""))
                    .append(" | ").append(t.isFinal() ? "yes" : "no").append(" |\n");
        }
        md.append("\n```mermaid\nstateDiagram-v2\n");
        for (StateType t : StateType.values()) {
            for (StateType to : StateMachine.targets(t)) md.append("  ").append(t).append(" --> ").append(to).append('\n');
        }
        md.append("```\n");
        Path page = Path.of("..", "docs", "states.md");
        String committed = Files.exists(page) ? Files.readString(page) : "";
        if (!committed.equals(md.toString())) {
            Files.writeString(page, md.toString());
        }
        assertEquals(md.toString(), committed, "docs/states.md was out of date with StateMachine; it has been "
                + "regenerated: review and commit it");
    }
}
