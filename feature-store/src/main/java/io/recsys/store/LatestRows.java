package io.recsys.store;

import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRow;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;

/**
 * The table {@code feature_latest}: each entity's head, its newest row, written with every batch. Reads at instants
 * after an entity's last final segment see it (see {@link SegmentLog}), and it is the list of entities the change
 * feed and trending scan.
 */
final class LatestRows {

    /** The columns {@link #read} maps, from the row's time on. */
    static final String ROW_SELECT = "ts, " + Dialect.VALUE_COLUMNS;

    private final Dialect dialect;

    LatestRows(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Maps {@code ts} and the counters, from column {@code first} on ({@link #ROW_SELECT}'s order). */
    static FeatureRow read(EntityType type, String id, ResultSet rs, int first) throws SQLException {
        long ts = rs.getLong(first);
        Counters counters = new Counters(rs.getLong(first + 1), rs.getLong(first + 2), rs.getLong(first + 3),
                rs.getLong(first + 4), rs.getLong(first + 5), rs.getDouble(first + 6), rs.getDouble(first + 7),
                rs.getLong(first + 8));
        return new FeatureRow(type, id, ts, counters);
    }

    /** Upserts each row as its entity's head unless the stored head is newer; {@code rows} has one per entity. */
    void upsert(Connection connection, Collection<FeatureRow> rows, long writtenAt) throws SQLException {
        if (dialect.upsertLatestArrays() != null) {
            writeRowsAsArrays(connection, dialect.upsertLatestArrays(), rows, writtenAt);
        } else {
            writeRows(connection, dialect.upsertLatest(), rows, writtenAt);
        }
    }

    private static void writeRows(Connection connection, String sql, Collection<FeatureRow> rows, long writtenAt)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (FeatureRow row : rows) {
                Counters c = row.counters();
                statement.setString(1, row.entityType().wireName());
                statement.setString(2, row.entityId());
                statement.setLong(3, row.ts());
                statement.setLong(4, c.impressions());
                statement.setLong(5, c.clicks());
                statement.setLong(6, c.views());
                statement.setLong(7, c.addToCarts());
                statement.setLong(8, c.purchases());
                statement.setDouble(9, c.examinations());
                statement.setDouble(10, c.decayedClicks());
                statement.setLong(11, c.firstSeen());
                statement.setLong(12, writtenAt);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static void writeRowsAsArrays(Connection connection, String sql, Collection<FeatureRow> rows,
                                          long writtenAt) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        String[] types = new String[n];
        String[] ids = new String[n];
        long[] ts = new long[n];
        long[] impressions = new long[n];
        long[] clicks = new long[n];
        long[] views = new long[n];
        long[] addToCarts = new long[n];
        long[] purchases = new long[n];
        double[] examinations = new double[n];
        double[] decayedClicks = new double[n];
        long[] firstSeen = new long[n];
        int i = 0;
        for (FeatureRow row : rows) {
            Counters c = row.counters();
            types[i] = row.entityType().wireName();
            ids[i] = row.entityId();
            ts[i] = row.ts();
            impressions[i] = c.impressions();
            clicks[i] = c.clicks();
            views[i] = c.views();
            addToCarts[i] = c.addToCarts();
            purchases[i] = c.purchases();
            examinations[i] = c.examinations();
            decayedClicks[i] = c.decayedClicks();
            firstSeen[i] = c.firstSeen();
            i++;
        }
        // the driver's own createArrayOf takes primitive arrays and sends them in binary
        PGConnection pg = connection.unwrap(PGConnection.class);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, writtenAt); // the SELECT list comes before the arrays
            statement.setArray(2, pg.createArrayOf("varchar", types));
            statement.setArray(3, pg.createArrayOf("varchar", ids));
            statement.setArray(4, pg.createArrayOf("int8", ts));
            statement.setArray(5, pg.createArrayOf("int8", impressions));
            statement.setArray(6, pg.createArrayOf("int8", clicks));
            statement.setArray(7, pg.createArrayOf("int8", views));
            statement.setArray(8, pg.createArrayOf("int8", addToCarts));
            statement.setArray(9, pg.createArrayOf("int8", purchases));
            statement.setArray(10, pg.createArrayOf("float8", examinations));
            statement.setArray(11, pg.createArrayOf("float8", decayedClicks));
            statement.setArray(12, pg.createArrayOf("int8", firstSeen));
            statement.executeUpdate();
        }
    }
}
