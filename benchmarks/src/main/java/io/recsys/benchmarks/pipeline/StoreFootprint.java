package io.recsys.benchmarks.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the feature store holds: log rows (segments), entities (latest rows) and bytes on disk, for the pipeline benchmark. */
record StoreFootprint(long logRows, long latestRows, long bytes) {

    static StoreFootprint of(String storeUrl) throws SQLException, IOException {
        try (Connection connection = DriverManager.getConnection(storeUrl);
             Statement statement = connection.createStatement()) {
            long logRows = logRows(connection);
            long latestRows = count(statement, "SELECT COUNT(*) FROM feature_latest");
            long bytes;
            if (storeUrl.startsWith("jdbc:postgresql:")) {
                bytes = count(statement, "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'"
                        + " AND n.nspname = current_schema()");
            } else {
                statement.execute("CHECKPOINT SYNC");
                bytes = h2FileSize(storeUrl);
            }
            return new StoreFootprint(logRows, latestRows, bytes);
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("feature_")) {
                return new StoreFootprint(0, 0, 0); // a fresh store: the job's migrations have not run yet
            }
            throw e;
        }
    }

    /** Rows of the feature log: segments, or per-instant rows in a store written before them (for comparisons). */
    private static long logRows(Connection connection) throws SQLException {
        String table = "feature_segments";
        try (ResultSet tables = connection.getMetaData().getTables(null, null, "%", new String[]{"TABLE"})) {
            boolean segments = false;
            boolean log = false;
            while (tables.next()) {
                segments |= tables.getString("TABLE_NAME").equalsIgnoreCase("feature_segments");
                log |= tables.getString("TABLE_NAME").equalsIgnoreCase("feature_log");
            }
            if (!segments && log) {
                table = "feature_log";
            }
        }
        try (Statement statement = connection.createStatement()) {
            return count(statement, "SELECT COUNT(*) FROM " + table);
        }
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long h2FileSize(String storeUrl) throws IOException {
        String path = storeUrl.substring("jdbc:h2:file:".length());
        int options = path.indexOf(';');
        Path file = Path.of((options < 0 ? path : path.substring(0, options)) + ".mv.db");
        return Files.isRegularFile(file) ? Files.size(file) : 0;
    }
}
