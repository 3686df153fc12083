package io.recsys.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureSegment;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.schema.feature.Interaction;
import io.recsys.schema.feature.RowsAsOf;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The feature store over JDBC: PostgreSQL in production, embedded H2 by default, one code path for both.
 * Schema changes are Flyway migrations applied on open.
 */
public final class JdbcFeatureStore implements OnlineStore, OfflineStore, FeatureWriter, AutoCloseable {

    private static final String ROW_SELECT = "ts, " + Dialect.VALUE_COLUMNS;
    private static final int ATTRIBUTE_CHUNK = 500;
    private static final int RECENT_ITEMS_READ_FACTOR = 4;
    /** How long a call waits for a pooled connection unless the caller says otherwise; also the startup bound. */
    private static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    private final String url;
    private final Dialect dialect;
    private final HikariDataSource dataSource;
    private final FeatureDerivation derivation;
    private final Clock clock;
    private final SegmentLog log;

    private JdbcFeatureStore(String url, FeatureRegistry registry, Clock clock, int poolSize,
                             Duration connectionTimeout) {
        this.url = url;
        this.dialect = Dialect.forUrl(url);
        this.log = new SegmentLog(dialect);
        this.derivation = new FeatureDerivation(registry);
        this.clock = clock;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setDriverClassName(dialect.driverClassName());
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("feature-store");
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setValidationTimeout(Math.min(config.getValidationTimeout(), connectionTimeout.toMillis()));
        config.setInitializationFailTimeout(DEFAULT_CONNECTION_TIMEOUT.toMillis());
        try {
            this.dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot connect to the feature store at " + redact(url) + ": "
                    + rootMessage(e), e);
        }
        Flyway.configure().dataSource(dataSource).locations(dialect.migrationLocation()).load().migrate();
    }

    public static JdbcFeatureStore open(String url, FeatureRegistry registry) {
        return open(url, registry, Clock.systemUTC(), 4);
    }

    public static JdbcFeatureStore open(String url, FeatureRegistry registry, Clock clock, int poolSize) {
        return open(url, registry, clock, poolSize, DEFAULT_CONNECTION_TIMEOUT);
    }

    /**
     * @param connectionTimeout how long a read or write waits for a connection before it fails with
     *                          {@link StoreUnavailableException}. While the database is down every call waits this
     *                          long, so a request path that can serve without the store wants it short. Opening
     *                          the store still waits up to 10 s for the database.
     */
    public static JdbcFeatureStore open(String url, FeatureRegistry registry, Clock clock, int poolSize,
                                        Duration connectionTimeout) {
        return new JdbcFeatureStore(withWriteSettings(url), registry, clock, poolSize, connectionTimeout);
    }

    /** PostgreSQL rewrites batched inserts into multi-row statements only when asked to (several times faster). */
    static String withWriteSettings(String url) {
        if (Dialect.forUrl(url) == Dialect.POSTGRESQL && !url.contains("reWriteBatchedInserts")) {
            return url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        }
        return url;
    }

    public String url() {
        return url;
    }

    public FeatureRegistry registry() {
        return derivation.registry();
    }

    @Override
    public Map<EntityKey, FeatureVector> readLatest(Collection<EntityKey> entities) {
        long now = clock.millis();
        List<PointInTimeQuery> queries = new ArrayList<>();
        for (EntityKey entity : entities) {
            queries.add(new PointInTimeQuery(entity, now));
        }
        Map<EntityKey, FeatureVector> result = new LinkedHashMap<>();
        for (FeatureVector vector : readAsOf(queries)) {
            result.put(vector.entity(), vector);
        }
        return result;
    }

    @Override
    public FeatureVector readAsOf(EntityKey entity, long atMillis) {
        return readAsOf(List.of(new PointInTimeQuery(entity, atMillis))).get(0);
    }

    @Override
    public List<FeatureVector> readAsOf(List<PointInTimeQuery> queries) {
        Set<Duration> windows = derivation.registry().windows();
        try (Connection connection = dataSource.getConnection()) {
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
            List<FeatureVector> vectors = new ArrayList<>(queries.size());
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
                vectors.add(derivation.derive(query.entity(), t, rowsAsOf(rows, query.entity(), t, windows),
                        rowsAsOf(rows, EntityKey.GLOBAL, t, windows), recent.getOrDefault(query, List.of()),
                        userCategories));
            }
            return vectors;
        } catch (SQLException e) {
            throw new StoreUnavailableException("feature read failed: " + e.getMessage(), e);
        }
    }

    /** The newest row written for an entity, whatever its time. */
    public Optional<FeatureRow> latestRow(EntityKey entity) {
        String sql = "SELECT " + ROW_SELECT + " FROM feature_latest WHERE entity_type = ? AND entity_id = ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, entity.type().wireName());
            statement.setString(2, entity.id());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(readRow(entity.type(), entity.id(), rs, 1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("feature read failed: " + e.getMessage(), e);
        }
    }

    /** A scan of feature_latest (one row per entity): cheap next to re-reading every entity's windows. */
    @Override
    public Map<EntityKey, Long> writtenSince(long writtenAtOrAfter) {
        String sql = "SELECT entity_type, entity_id, written_at FROM feature_latest WHERE written_at >= ?";
        try (Connection connection = dataSource.getConnection();
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

    @Override
    public List<ItemScore> trendingItems(int limit) {
        String sql = "SELECT entity_id, decayed_clicks * POWER(0.5, (? - ts) / ?) AS popularity FROM feature_latest"
                + " WHERE entity_type = ? AND decayed_clicks > 0 ORDER BY popularity DESC, entity_id LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, clock.millis());
            statement.setDouble(2, derivation.registry().halfLifeMillis());
            statement.setString(3, EntityType.ITEM.wireName());
            statement.setInt(4, limit);
            List<ItemScore> items = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    items.add(new ItemScore(rs.getString(1), rs.getDouble(2)));
                }
            }
            return items;
        } catch (SQLException e) {
            throw new StoreUnavailableException("trending read failed: " + e.getMessage(), e);
        }
    }

    /** Attributes of the items that have them, read in chunks of a few hundred ids per query. */
    public Map<String, ItemAttributes> itemAttributes(Collection<String> itemIds) {
        Map<String, ItemAttributes> result = new HashMap<>();
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(itemIds));
        try (Connection connection = dataSource.getConnection()) {
            for (int from = 0; from < ids.size(); from += ATTRIBUTE_CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + ATTRIBUTE_CHUNK));
                String sql = "SELECT item_id, category, subcategory FROM item_attributes WHERE item_id IN ("
                        + String.join(",", java.util.Collections.nCopies(chunk.size(), "?")) + ")";
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        statement.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = statement.executeQuery()) {
                        while (rs.next()) {
                            result.put(rs.getString(1), new ItemAttributes(rs.getString(1), rs.getString(2),
                                    rs.getString(3)));
                        }
                    }
                }
            }
            return result;
        } catch (SQLException e) {
            throw new StoreUnavailableException("item attribute read failed: " + e.getMessage(), e);
        }
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
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                logWrite.to(connection, writtenAt);
                if (dialect.upsertLatestArrays() != null) {
                    writeRowsAsArrays(connection, dialect.upsertLatestArrays(), latestRows.values(), writtenAt);
                } else {
                    writeRows(connection, dialect.upsertLatest(), latestRows.values(), writtenAt);
                }
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
     * Makes every committed write survive a crash of this process. PostgreSQL commits are durable already; the
     * embedded H2 store writes committed pages in the background, so it is told to write and sync them now.
     * The Flink sink calls this before each checkpoint completes, so no checkpoint covers a write that a crash
     * could still take back.
     */
    @Override
    public void makeDurable() {
        if (dialect != Dialect.H2) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             java.sql.Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not sync the embedded store to disk: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes log rows and interactions older than {@code cutoffMillis}, keeping each entity's last row before the
     * cutoff so that reads at any t with t - 24h &gt;= cutoff stay exact.
     *
     * @return rows deleted
     */
    public int deleteBefore(long cutoffMillis) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement interactions = connection.prepareStatement(
                     "DELETE FROM user_interactions WHERE ts < ?")) {
            interactions.setLong(1, cutoffMillis);
            return log.deleteBefore(connection, cutoffMillis) + interactions.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailableException("retention failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
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

    static FeatureRow readRow(EntityType type, String id, ResultSet rs, int first) throws SQLException {
        long ts = rs.getLong(first);
        Counters counters = new Counters(rs.getLong(first + 1), rs.getLong(first + 2), rs.getLong(first + 3),
                rs.getLong(first + 4), rs.getLong(first + 5), rs.getDouble(first + 6), rs.getDouble(first + 7),
                rs.getLong(first + 8));
        return new FeatureRow(type, id, ts, counters);
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

    private void writeInteractions(Connection connection, Collection<Interaction> interactions) throws SQLException {
        if (interactions.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(dialect.insertInteraction())) {
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
        Map<String, ItemAttributes> latest = new LinkedHashMap<>();
        for (ItemAttributes item : items) {
            latest.put(item.itemId(), item);
        }
        try (PreparedStatement statement = connection.prepareStatement(dialect.upsertItemAttributes())) {
            for (ItemAttributes item : latest.values()) {
                statement.setString(1, item.itemId());
                statement.setString(2, item.category());
                statement.setString(3, item.subcategory());
                statement.setLong(4, writtenAt);
                statement.addBatch();
            }
            statement.executeBatch();
        }
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
