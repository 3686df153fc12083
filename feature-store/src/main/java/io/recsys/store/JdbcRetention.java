package io.recsys.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Retention over JDBC: old segments ({@link SegmentLog#deleteBefore}) and old interactions. */
final class JdbcRetention implements Retention {

    private final JdbcPool pool;
    private final SegmentLog log;

    JdbcRetention(JdbcPool pool, SegmentLog log) {
        this.pool = pool;
        this.log = log;
    }

    @Override
    public int deleteBefore(long cutoffMillis) {
        try (Connection connection = pool.connection();
             PreparedStatement interactions = connection.prepareStatement(
                     "DELETE FROM user_interactions WHERE ts < ?")) {
            interactions.setLong(1, cutoffMillis);
            return log.deleteBefore(connection, cutoffMillis) + interactions.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailableException("retention failed: " + e.getMessage(), e);
        }
    }
}
