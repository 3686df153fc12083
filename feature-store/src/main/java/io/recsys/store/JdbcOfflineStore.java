package io.recsys.store;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.schema.feature.Interaction;
import io.recsys.schema.feature.RowsAsOf;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Point-in-time reads over JDBC: for every query, the rows that hold at t and at each window's start (from
 * {@link SegmentLog}), the global entity's too, and for users their recent interactions and category rows, all in
 * one connection; {@link FeatureDerivation} turns them into features.
 */
final class JdbcOfflineStore implements OfflineStore {

    private static final int RECENT_ITEMS_READ_FACTOR = 4;

    private final JdbcPool pool;
    private final SegmentLog log;
    private final FeatureDerivation derivation;

    JdbcOfflineStore(JdbcPool pool, SegmentLog log, FeatureDerivation derivation) {
        this.pool = pool;
        this.log = log;
        this.derivation = derivation;
    }

    @Override
    public FeatureVector readAsOf(EntityKey entity, long atMillis) {
        return readAsOf(List.of(new PointInTimeQuery(entity, atMillis))).get(0);
    }

    @Override
    public List<FeatureVector> readAsOf(List<PointInTimeQuery> queries) {
        List<FeatureVector> vectors = new ArrayList<>(queries.size());
        for (DerivedFeatures derived : readWithRows(queries)) {
            vectors.add(derived.vector());
        }
        return vectors;
    }

    /** {@link #readAsOf(List)}, each vector with the rows it was derived from. */
    List<DerivedFeatures> readWithRows(List<PointInTimeQuery> queries) {
        Set<Duration> windows = derivation.registry().windows();
        try (Connection connection = pool.connection()) {
            Map<PointInTimeQuery, List<Interaction>> recent = new HashMap<>();
            Map<PointInTimeQuery, List<String>> categories = new HashMap<>();
            Set<RowLookup> lookups = new LinkedHashSet<>();
            for (PointInTimeQuery query : queries) {
                EntityKey entity = query.entity();
                long t = query.atMillis();
                addWindowLookups(lookups, entity, t, windows);
                addWindowLookups(lookups, EntityKey.GLOBAL, t, windows);
                if (entity.type() == EntityType.USER) {
                    recent.put(query, recentInteractions(connection, entity.id(), t));
                    List<String> userCategories = categoriesOf(connection, entity.id());
                    categories.put(query, userCategories);
                    for (String category : userCategories) {
                        lookups.add(new RowLookup(EntityType.USER_CATEGORY, compositeId(entity.id(), category), t));
                    }
                }
            }
            Map<RowLookup, FeatureRow> rows = log.latestBefore(connection, new ArrayList<>(lookups));
            List<DerivedFeatures> derived = new ArrayList<>(queries.size());
            for (PointInTimeQuery query : queries) {
                long t = query.atMillis();
                Map<String, FeatureRow> userCategories = new LinkedHashMap<>();
                for (String category : categories.getOrDefault(query, List.of())) {
                    FeatureRow row = rows.get(new RowLookup(EntityType.USER_CATEGORY,
                            compositeId(query.entity().id(), category), t));
                    if (row != null) {
                        userCategories.put(category, row);
                    }
                }
                RowsAsOf entityRows = rowsAsOf(rows, query.entity(), t, windows);
                RowsAsOf globalRows = rowsAsOf(rows, EntityKey.GLOBAL, t, windows);
                derived.add(new DerivedFeatures(derivation.derive(query.entity(), t, entityRows, globalRows,
                        recent.getOrDefault(query, List.of()), userCategories), entityRows, globalRows));
            }
            return derived;
        } catch (SQLException e) {
            throw new StoreUnavailableException("feature read failed: " + e.getMessage(), e);
        }
    }

    private static void addWindowLookups(Set<RowLookup> lookups, EntityKey entity, long t, Set<Duration> windows) {
        lookups.add(new RowLookup(entity.type(), entity.id(), t));
        for (Duration window : windows) {
            lookups.add(new RowLookup(entity.type(), entity.id(), t - window.toMillis()));
        }
    }

    private static RowsAsOf rowsAsOf(Map<RowLookup, FeatureRow> rows, EntityKey entity, long t, Set<Duration> windows) {
        Map<Duration, FeatureRow> starts = new HashMap<>();
        for (Duration window : windows) {
            FeatureRow row = rows.get(new RowLookup(entity.type(), entity.id(), t - window.toMillis()));
            if (row != null) {
                starts.put(window, row);
            }
        }
        return new RowsAsOf(rows.get(new RowLookup(entity.type(), entity.id(), t)), starts);
    }

    private List<Interaction> recentInteractions(Connection connection, String userId, long t) throws SQLException {
        String sql = "SELECT ts, item_id, type FROM user_interactions WHERE user_id = ? AND ts < ?"
                + " ORDER BY ts DESC, item_id DESC LIMIT ?";
        List<Interaction> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, userId);
            statement.setLong(2, t);
            // items repeat (a view then a click); read enough to still fill the list after dropping repeats
            statement.setInt(3, derivation.registry().recentItems() * RECENT_ITEMS_READ_FACTOR);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    result.add(new Interaction(userId, rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return result;
    }

    /** Categories the user has ever had events in: a prefix range over user|category ids. */
    private static List<String> categoriesOf(Connection connection, String userId) throws SQLException {
        String prefix = userId + EntityKey.COMPOSITE_SEPARATOR;
        String sql = "SELECT entity_id FROM feature_latest WHERE entity_type = ? AND entity_id >= ? AND entity_id < ?";
        List<String> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, EntityType.USER_CATEGORY.wireName());
            statement.setString(2, prefix);
            statement.setString(3, userId + (char) (EntityKey.COMPOSITE_SEPARATOR + 1));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    result.add(rs.getString(1).substring(prefix.length()));
                }
            }
        }
        return result;
    }

    private static String compositeId(String userId, String category) {
        return userId + EntityKey.COMPOSITE_SEPARATOR + category;
    }
}
