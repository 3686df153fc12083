package io.recsys.api.serving;

import io.recsys.schema.feature.EntityKey;

import java.util.Map;

/** Which entities had features written since an instant: what {@link LiveFeatures} re-reads. */
@FunctionalInterface
public interface ChangeFeed {

    /** Each entity written at or after {@code writtenAtOrAfter}, with when; may fail with a runtime exception. */
    Map<EntityKey, Long> writtenSince(long writtenAtOrAfter);
}
