/**
 * flowcore's API: the annotations and static helpers a flow is written with ({@code io.flowcore.api}), states,
 * runs, deployments, blocks and notifications, and the service interfaces an engine and its plug-ins implement
 * ({@code io.flowcore.api.spi}). Everything here is public API; nothing else of flowcore's is, apart from the
 * engine's façade package {@code io.flowcore.engine}.
 */
module io.flowcore.api {
    requires transitive org.slf4j;
    requires transitive java.sql;

    exports io.flowcore.api;
    exports io.flowcore.api.block;
    exports io.flowcore.api.deployment;
    exports io.flowcore.api.notification;
    exports io.flowcore.api.run;
    exports io.flowcore.api.spi;
    exports io.flowcore.api.state;

    uses io.flowcore.api.spi.FlowcoreRuntime;
}
