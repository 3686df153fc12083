package io.recsys.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The one connection pool every JDBC part of a store shares, with the database's dialect. Opening it applies the
 * Flyway migrations, so every part sees the current schema.
 */
final class JdbcPool implements AutoCloseable {

    /** How long opening the pool waits for the database, whatever a call's connection timeout. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

    private final Dialect dialect;
    private final HikariDataSource dataSource;

    /**
     * @param connectionTimeout how long a call waits for a pooled connection before it fails with
     *                          {@link StoreUnavailableException}
     */
    JdbcPool(String url, int poolSize, Duration connectionTimeout) {
        String withSettings = withWriteSettings(url);
        this.dialect = Dialect.forUrl(withSettings);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(withSettings);
        config.setDriverClassName(dialect.driverClassName());
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("feature-store");
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setValidationTimeout(Math.min(config.getValidationTimeout(), connectionTimeout.toMillis()));
        config.setInitializationFailTimeout(STARTUP_TIMEOUT.toMillis());
        try {
            this.dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot connect to the feature store at " + redact(withSettings)
                    + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure().dataSource(dataSource).locations(dialect.migrationLocation()).load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /** PostgreSQL rewrites batched inserts into multi-row statements only when asked to (several times faster). */
    static String withWriteSettings(String url) {
        if (Dialect.forUrl(url) == Dialect.POSTGRESQL && !url.contains("reWriteBatchedInserts")) {
            return url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        }
        return url;
    }

    Dialect dialect() {
        return dialect;
    }

    /** A pooled connection; closing it returns it to the pool. */
    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void close() {
        dataSource.close();
    }

    static String redact(String url) {
        return url.replaceAll("password=[^&;]*", "password=***");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
