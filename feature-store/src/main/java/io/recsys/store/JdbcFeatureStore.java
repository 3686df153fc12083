package io.recsys.store;

import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRegistry;

import java.time.Clock;
import java.time.Duration;

/**
 * The feature store over JDBC: PostgreSQL in production, embedded H2 by default, one code path for both (the SQL
 * that differs is in {@link Dialect}). It opens one connection pool, applying the Flyway migrations, and builds the
 * contracts on it: {@link JdbcOnlineStore}, {@link JdbcOfflineStore}, {@link JdbcFeatureWriter},
 * {@link JdbcItemCatalogue} and {@link JdbcRetention}. Open it through {@link FeatureStores#open}.
 */
public final class JdbcFeatureStore implements FeatureStore {

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
        JdbcOfflineStore pointInTime = new JdbcOfflineStore(pool, log, derivation);
        this.offline = pointInTime;
        this.online = new JdbcOnlineStore(pool, pointInTime, derivation, clock);
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
}
