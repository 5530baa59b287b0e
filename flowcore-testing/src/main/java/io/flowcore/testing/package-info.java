/**
 * A test kit for flows: {@link io.flowcore.testing.FlowcoreExtension} (a JUnit 5 extension giving each
 * test an engine, a {@link io.flowcore.testing.ManualClock} and a {@link io.flowcore.testing.RecordingSleeper}),
 * and {@link io.flowcore.testing.FlowRunAssert} for assertions on run and task run states.
 */
package io.flowcore.testing;
