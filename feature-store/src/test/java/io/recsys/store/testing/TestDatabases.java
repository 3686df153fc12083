package io.recsys.store.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Fresh, isolated databases for tests: an in-memory H2 database, or a new schema in the PostgreSQL at
 * 127.0.0.1:5432 (CI makes sure it runs; a test that needs it fails rather than skips when it does not).
 */
public final class TestDatabases {

    public static final String POSTGRES_BASE = System.getProperty("recsys.test.postgres",
            "jdbc:postgresql://127.0.0.1:5432/test?user=" + System.getProperty("user.name"));

    private TestDatabases() {
    }

    public static String freshH2() {
        return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    /** Creates an empty schema and returns a URL whose default schema it is. */
    public static String freshPostgresSchema() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = DriverManager.getConnection(POSTGRES_BASE);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + POSTGRES_BASE
                    + " (start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)", e);
        }
        return POSTGRES_BASE + "&currentSchema=" + schema;
    }

    public static void dropPostgresSchema(String url) {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection connection = DriverManager.getConnection(POSTGRES_BASE);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test schema " + schema, e);
        }
    }
}
