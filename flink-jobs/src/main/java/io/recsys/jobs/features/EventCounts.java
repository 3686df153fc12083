package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import java.util.Set;

/**
 * Fans one event (already counted for its item by {@link ItemCounter}) out to what it adds to the user × category
 * pair, the global entity and, for feedback only, its user: users are counted by what they do, and skipping their
 * impressions halves the rows a typical event writes (impressions outnumber feedback about ten to one). Feedback
 * goes only where its {@link Attribution} counts.
 */
public class EventCounts implements FlatMapFunction<CategorizedEvent, CountedEvent> {

    private final FeatureRegistry registry;

    public EventCounts(FeatureRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void flatMap(CategorizedEvent categorized, Collector<CountedEvent> out) {
        Event event = categorized.event();
        Attribution attribution = categorized.attribution();
        Set<EntityType> unmatchedCountsFor = registry.unmatchedFeedbackCountsFor();
        Delta delta = deltaOf(event, registry);
        long ts = event.eventTime();
        if (event.type().isFeedback() && attribution.countsFor(EntityType.USER, unmatchedCountsFor)) {
            out.collect(new CountedEvent(EntityType.USER, event.userId(), ts, delta));
        }
        if (attribution.countsFor(EntityType.GLOBAL, unmatchedCountsFor)) {
            out.collect(new CountedEvent(EntityType.GLOBAL, EntityKey.GLOBAL_ID, ts, delta));
        }
        if (categorized.category() != null && attribution.countsFor(EntityType.USER_CATEGORY, unmatchedCountsFor)) {
            EntityKey pair = EntityKey.userCategory(event.userId(), categorized.category());
            out.collect(new CountedEvent(pair.type(), pair.id(), ts, delta));
        }
    }

    static Delta deltaOf(Event event, FeatureRegistry registry) {
        return switch (event.type()) {
            case IMPRESSION -> new Delta(1, 0, 0, 0, 0, registry.propensity(event.position()));
            case CLICK -> new Delta(0, 1, 0, 0, 0, 0.0);
            case VIEW -> new Delta(0, 0, 1, 0, 0, 0.0);
            case ADD_TO_CART -> new Delta(0, 0, 0, 1, 0, 0.0);
            case PURCHASE -> new Delta(0, 0, 0, 0, 1, 0.0);
        };
    }
}
