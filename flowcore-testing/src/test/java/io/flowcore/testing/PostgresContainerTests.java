package io.flowcore.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The PostgreSQL container fixture on the real Docker engine (started by {@code .ci/test-infra.sh up}). */
@DisplayName("PostgresContainer")
class PostgresContainerTests {
    @BeforeEach
    void needsDocker() {
        DockerInfra.require();
    }

    private static Connection connect(PostgresContainer pg) throws SQLException {
        // A first write to a container's copy-on-write data folder can take seconds on a busy machine.
        return connect(pg, 30);
    }

    private static Connection connect(PostgresContainer pg, int socketTimeoutSeconds) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl() + "?socketTimeout=" + socketTimeoutSeconds + "&connectTimeout=2",
                pg.user(), pg.password());
    }

    @Test
    void keepsItsDataAndPortAcrossAStopAndStartAndFreezesWhenPaused() throws Exception {
        try (PostgresContainer pg = new PostgresContainer().start()) {
            int port = pg.port();
            try (Connection c = connect(pg)) {
                c.createStatement().execute("create table kept(v int); insert into kept values (42)");
            }

            pg.stop();
            assertThrows(SQLException.class, () -> connect(pg).close(), "nothing listens while stopped");
            pg.start();
            assertEquals(port, pg.port());
            try (Connection c = connect(pg); ResultSet rs = c.createStatement().executeQuery("select v from kept")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }

            // socketTimeout 1 s: a read from the frozen server gives up after it
            try (Connection c = connect(pg, 1)) {
                pg.pause();
                long t0 = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute("select 1"));
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(millis >= 900 && millis < 10_000, "the read hung until the socket timeout: " + millis + " ms, " + e);
                pg.unpause();
            }
            try (Connection c = connect(pg)) {
                assertTrue(c.createStatement().execute("select 1"), "answers again once unpaused");
            }
        }
    }

    @Test
    void anImageThatIsNotPresentIsAnErrorSayingItCannotBePulledAndHowToBuildIt() {
        try (PostgresContainer pg = new PostgresContainer("local/flowcore-no-such-image")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, pg::start);
            assertTrue(e.getMessage().contains("local/flowcore-no-such-image is not present and cannot be pulled")
                    && e.getMessage().contains("bash .ci/test-infra.sh up"), e.getMessage());
        }
    }
}
