package io.recsys.store;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.schema.feature.Interaction;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * The feature store over JDBC: PostgreSQL in production, embedded H2 by default, one code path for both (the SQL
 * that differs is in {@link Dialect}). It opens one connection pool, applying the Flyway migrations, and builds the
 * contracts on it: {@link JdbcOnlineStore}, {@link JdbcOfflineStore}, {@link JdbcFeatureWriter},
 * {@link JdbcItemCatalogue} and {@link JdbcRetention}. Open it through {@link FeatureStores#open}.
 */
public final class JdbcFeatureStore implements FeatureStore, OfflineStore {

    private final JdbcPool pool;
    private final OnlineStore online;
    private final OfflineStore offline;
    private final FeatureWriter writer;
    private final ItemCatalogue catalogue;
    private final Retention retention;

    private JdbcFeatureStore(JdbcPool pool, FeatureRegistry registry, Clock clock) {
        this.pool = pool;
        FeatureDerivation derivation = new FeatureDerivation(registry);
        SegmentLog log = new SegmentLog(pool.dialect());
        this.offline = new JdbcOfflineStore(pool, log, derivation);
        this.online = new JdbcOnlineStore(pool, offline, derivation, clock);
        this.writer = new JdbcFeatureWriter(pool, log, clock);
        this.catalogue = new JdbcItemCatalogue(pool);
        this.retention = new JdbcRetention(pool, log);
    }

    /** See {@link FeatureStores#open(String, FeatureRegistry, Clock, int, Duration)}. */
    static JdbcFeatureStore open(String url, FeatureRegistry registry, Clock clock, int poolSize,
                                 Duration connectionTimeout) {
        return new JdbcFeatureStore(new JdbcPool(url, poolSize, connectionTimeout), registry, clock);
    }

    @Override
    public OnlineStore online() {
        return online;
    }

    @Override
    public OfflineStore offline() {
        return offline;
    }

    @Override
    public FeatureWriter writer() {
        return writer;
    }

    @Override
    public ItemCatalogue catalogue() {
        return catalogue;
    }

    @Override
    public Retention retention() {
        return retention;
    }

    @Override
    public void close() {
        pool.close();
    }

    // What follows keeps the tests of `models` compiling while that module is being split elsewhere: they open this
    // class and use it as an OfflineStore and a writer. Move them to FeatureStores.open, offline() and writer(), then
    // delete it.

    /** @deprecated use {@link FeatureStores#open(String, FeatureRegistry)} */
    @Deprecated(forRemoval = true)
    public static JdbcFeatureStore open(String url, FeatureRegistry registry) {
        return open(url, registry, Clock.systemUTC(), FeatureStores.DEFAULT_POOL_SIZE,
                FeatureStores.DEFAULT_CONNECTION_TIMEOUT);
    }

    /** @deprecated use {@link #offline()} */
    @Deprecated(forRemoval = true)
    @Override
    public FeatureVector readAsOf(EntityKey entity, long atMillis) {
        return offline.readAsOf(entity, atMillis);
    }

    /** @deprecated use {@link #offline()} */
    @Deprecated(forRemoval = true)
    @Override
    public List<FeatureVector> readAsOf(List<PointInTimeQuery> queries) {
        return offline.readAsOf(queries);
    }

    /** @deprecated use {@link #writer()} */
    @Deprecated(forRemoval = true)
    public void write(Collection<FeatureRow> rows, Collection<Interaction> interactions,
                      Collection<ItemAttributes> items) {
        writer.write(rows, interactions, items);
    }
}
