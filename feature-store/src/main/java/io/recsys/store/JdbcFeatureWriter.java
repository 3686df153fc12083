package io.recsys.store;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureSegment;
import io.recsys.schema.feature.Interaction;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Writes over JDBC: each batch in one transaction — the log ({@link SegmentLog}), the heads ({@link LatestRows}),
 * interactions and item attributes — stamped with the clock's time ({@code written_at}, what the change feed reads).
 */
final class JdbcFeatureWriter implements FeatureWriter {

    private final JdbcPool pool;
    private final SegmentLog log;
    private final LatestRows latest;
    private final Clock clock;

    JdbcFeatureWriter(JdbcPool pool, SegmentLog log, Clock clock) {
        this.pool = pool;
        this.log = log;
        this.latest = new LatestRows(pool.dialect());
        this.clock = clock;
    }

    /** Rows that may not fill their buckets are merged into the stored segments; each entity's newest is its head. */
    @Override
    public void write(Collection<FeatureRow> rows, Collection<Interaction> interactions,
                      Collection<ItemAttributes> items) {
        write((connection, writtenAt) -> log.merge(connection, rows, writtenAt), rows, interactions, items);
    }

    @Override
    public void write(Collection<FeatureSegment> segments, Collection<FeatureRow> heads,
                      Collection<Interaction> interactions, Collection<ItemAttributes> items) {
        write((connection, writtenAt) -> log.write(connection, segments, writtenAt), heads, interactions, items);
    }

    private interface LogWrite {
        void to(Connection connection, long writtenAt) throws SQLException;
    }

    private void write(LogWrite logWrite, Collection<FeatureRow> heads, Collection<Interaction> interactions,
                       Collection<ItemAttributes> items) {
        long writtenAt = clock.millis();
        Map<EntityKey, FeatureRow> latestRows = new HashMap<>();
        for (FeatureRow row : heads) {
            latestRows.merge(row.key(), row, (old, candidate) -> candidate.ts() >= old.ts() ? candidate : old);
        }
        try (Connection connection = pool.connection()) {
            connection.setAutoCommit(false);
            try {
                logWrite.to(connection, writtenAt);
                latest.upsert(connection, latestRows.values(), writtenAt);
                writeInteractions(connection, interactions);
                writeItems(connection, items, writtenAt);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("feature write failed: " + e.getMessage(), e);
        }
    }

    /**
     * PostgreSQL commits are durable already; the embedded H2 store writes committed pages in the background, so it
     * is told to write and sync them now. The Flink sink calls this before each checkpoint completes, so no
     * checkpoint covers a write that a crash could still take back.
     */
    @Override
    public void makeDurable() {
        if (pool.dialect() != Dialect.H2) {
            return;
        }
        try (Connection connection = pool.connection();
             Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not sync the embedded store to disk: " + e.getMessage(), e);
        }
    }

    private void writeInteractions(Connection connection, Collection<Interaction> interactions) throws SQLException {
        if (interactions.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(pool.dialect().insertInteraction())) {
            for (Interaction interaction : new LinkedHashSet<>(interactions)) {
                statement.setString(1, interaction.userId());
                statement.setLong(2, interaction.ts());
                statement.setString(3, interaction.itemId());
                statement.setString(4, interaction.type());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private void writeItems(Connection connection, Collection<ItemAttributes> items, long writtenAt)
            throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        Map<String, ItemAttributes> latestItems = new LinkedHashMap<>();
        for (ItemAttributes item : items) {
            latestItems.put(item.itemId(), item);
        }
        try (PreparedStatement statement = connection.prepareStatement(pool.dialect().upsertItemAttributes())) {
            for (ItemAttributes item : latestItems.values()) {
                statement.setString(1, item.itemId());
                statement.setString(2, item.category());
                statement.setString(3, item.subcategory());
                statement.setLong(4, writtenAt);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }
}
