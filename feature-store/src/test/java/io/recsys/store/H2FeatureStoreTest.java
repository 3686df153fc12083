package io.recsys.store;

import io.recsys.store.testing.TestDatabases;

class H2FeatureStoreTest extends FeatureStoreContractTest {

    @Override
    String freshUrl() {
        return TestDatabases.freshH2();
    }
}
