package io.flowcore.blocks.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.concurrent.ConcurrentHashMap;

/* One HikariCP pool per SqlConnector value, created on first use and closed by SqlConnector.close(). */
final class Pools {
    private static final ConcurrentHashMap<SqlConnector, HikariDataSource> POOLS = new ConcurrentHashMap<>();

    private Pools() {
    }

    static HikariDataSource of(SqlConnector c) {
        return POOLS.computeIfAbsent(c, Pools::create);
    }

    private static HikariDataSource create(SqlConnector c) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(c.jdbcUrl());
        if (c.user() != null) hc.setUsername(c.user());
        if (c.password() != null) hc.setPassword(c.password().reveal());
        hc.setMaximumPoolSize(c.poolSize() != null && c.poolSize() > 0 ? c.poolSize() : 4);
        hc.setMinimumIdle(0);
        hc.setPoolName("flowcore-sql-" + (c.database() != null ? c.database() : "url"));
        hc.setInitializationFailTimeout(-1);
        hc.setConnectionTimeout(c.connectTimeoutSeconds() != null ? c.connectTimeoutSeconds() * 1000L : 30_000L);
        return new HikariDataSource(hc);
    }

    static void close(SqlConnector c) {
        HikariDataSource ds = POOLS.remove(c);
        if (ds != null) ds.close();
    }
}
