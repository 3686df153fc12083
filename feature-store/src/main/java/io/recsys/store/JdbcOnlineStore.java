package io.recsys.store;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureVector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Online reads over JDBC. Features as of now are point-in-time reads at the clock's now; the newest rows, the
 * change feed and trending read {@code feature_latest} (one row per entity).
 */
final class JdbcOnlineStore implements OnlineStore {

    private final JdbcPool pool;
    private final JdbcOfflineStore pointInTime;
    private final FeatureDerivation derivation;
    private final Clock clock;

    JdbcOnlineStore(JdbcPool pool, JdbcOfflineStore pointInTime, FeatureDerivation derivation, Clock clock) {
        this.pool = pool;
        this.pointInTime = pointInTime;
        this.derivation = derivation;
        this.clock = clock;
    }

    @Override
    public Map<EntityKey, FeatureVector> readLatest(Collection<EntityKey> entities) {
        Map<EntityKey, FeatureVector> result = new LinkedHashMap<>();
        readLatestWithRows(entities).forEach((entity, derived) -> result.put(entity, derived.vector()));
        return result;
    }

    @Override
    public Map<EntityKey, DerivedFeatures> readLatestWithRows(Collection<EntityKey> entities) {
        long now = clock.millis();
        List<OfflineStore.PointInTimeQuery> queries = new ArrayList<>();
        for (EntityKey entity : entities) {
            queries.add(new OfflineStore.PointInTimeQuery(entity, now));
        }
        Map<EntityKey, DerivedFeatures> result = new LinkedHashMap<>();
        for (DerivedFeatures derived : pointInTime.readWithRows(queries)) {
            result.put(derived.vector().entity(), derived);
        }
        return result;
    }

    @Override
    public Optional<FeatureRow> latestRow(EntityKey entity) {
        String sql = "SELECT " + LatestRows.ROW_SELECT + " FROM feature_latest WHERE entity_type = ? AND entity_id = ?";
        try (Connection connection = pool.connection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, entity.type().wireName());
            statement.setString(2, entity.id());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(LatestRows.read(entity.type(), entity.id(), rs, 1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("feature read failed: " + e.getMessage(), e);
        }
    }

    /** A scan of feature_latest (one row per entity): cheap next to re-reading every entity's windows. */
    @Override
    public Map<EntityKey, Long> writtenSince(long writtenAtOrAfter) {
        String sql = "SELECT entity_type, entity_id, written_at FROM feature_latest WHERE written_at >= ?";
        try (Connection connection = pool.connection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, writtenAtOrAfter);
            Map<EntityKey, Long> written = new HashMap<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    written.put(new EntityKey(EntityType.fromWireName(rs.getString(1)), rs.getString(2)),
                            rs.getLong(3));
                }
            }
            return written;
        } catch (SQLException e) {
            throw new StoreUnavailableException("change scan failed: " + e.getMessage(), e);
        }
    }

    /**
     * The database selects the items with clicks and {@link FeatureDerivation#popularity(double, long, long)} values
     * each, so the decay is the same maths as the {@code popularity} feature's; a heap of {@code limit} keeps the best.
     */
    @Override
    public List<ItemScore> trendingItems(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        String sql = "SELECT entity_id, ts, decayed_clicks FROM feature_latest WHERE entity_type = ?"
                + " AND decayed_clicks > 0";
        long now = clock.millis();
        PriorityQueue<ItemScore> best = new PriorityQueue<>(limit + 1, MOST_POPULAR_FIRST.reversed());
        try (Connection connection = pool.connection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, EntityType.ITEM.wireName());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    double decayedClicks = rs.getDouble(3);
                    if (best.size() == limit && decayedClicks < best.peek().score()) {
                        continue; // decay never grows clicks: this item cannot make the list
                    }
                    double score = derivation.popularity(decayedClicks, rs.getLong(2), now);
                    if (best.size() < limit || score >= best.peek().score()) {
                        best.add(new ItemScore(rs.getString(1), score));
                        if (best.size() > limit) {
                            best.poll();
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("trending read failed: " + e.getMessage(), e);
        }
        List<ItemScore> items = new ArrayList<>(best);
        items.sort(MOST_POPULAR_FIRST);
        return items;
    }
}
