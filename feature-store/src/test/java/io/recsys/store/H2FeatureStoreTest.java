package io.recsys.store;

import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.testing.TestDatabases;

import java.time.Clock;

class H2FeatureStoreTest extends FeatureStoreContractTest {

    @Override
    FeatureStore openFreshStore(FeatureRegistry registry, Clock clock) {
        return FeatureStores.open(TestDatabases.freshH2(), registry, clock, 2);
    }
}
