package io.recsys.store;

import io.recsys.store.testing.TestDatabases;

class PostgresFeatureStoreTest extends FeatureStoreContractTest {

    @Override
    String freshUrl() {
        return TestDatabases.freshPostgresSchema();
    }

    @Override
    void dropDatabase(String url) {
        TestDatabases.dropPostgresSchema(url);
    }
}
