package io.recsys.store;

import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.testing.TestDatabases;

import java.time.Clock;

class PostgresFeatureStoreTest extends FeatureStoreContractTest {

    private String url;

    @Override
    FeatureStore openFreshStore(FeatureRegistry registry, Clock clock) {
        url = TestDatabases.freshPostgresSchema();
        return FeatureStores.open(url, registry, clock, 2);
    }

    @Override
    void dropStore() {
        TestDatabases.dropPostgresSchema(url);
    }
}
