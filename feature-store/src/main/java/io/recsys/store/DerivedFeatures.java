package io.recsys.store;

import io.recsys.schema.feature.FeatureVector;
import io.recsys.schema.feature.RowsAsOf;

/**
 * Features as of an instant with the rows of the feature log they were derived from: the entity's and the global
 * entity's (the prior). With a newer head of the entity, the same window starts and
 * {@link io.recsys.schema.feature.FeatureDerivation} give the features after that head without a read, exactly
 * until a window's start moves past its next row.
 */
public record DerivedFeatures(FeatureVector vector, RowsAsOf rows, RowsAsOf global) {
}
