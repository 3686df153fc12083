package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.event.RejectReason;
import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by item, the first stop of every valid event: refuses copies of events already counted, counts the item
 * (its head after every batch, its final segments as the watermark passes them), and passes each event counted once
 * on with the item's category (from the catalogue stream) to {@link #COUNTED}, for the user, user × category and
 * global counters, the interactions and the arm attribution downstream.
 *
 * <p>These share one operator because they share one key and one state value: the copy check reads the pending
 * instant the count writes anyway. Events are applied per item in batches ({@link EntityCountingOperator}), so a
 * hot item's state is read and written once per batch rather than once per event (docs/benchmarks.md).
 *
 * <p>A copy is an event with the id of one already counted for the same item at the same event time: what a
 * client's retry or a producer's resend is. Copies are dead-lettered with reason {@code duplicate} until the
 * watermark passes their time; after that upstream refuses them as {@code late}.
 */
public class ItemCounter extends EntityCountingOperator<AttributedEvent>
        implements TwoInputStreamOperator<AttributedEvent, ItemAttributes, StoreRecord>, BoundedMultiInput {

    /** Every event counted once, with its item's category (null while the catalogue does not know the item). */
    public static final OutputTag<CategorizedEvent> COUNTED = new OutputTag<>("counted") {
    };

    private final FeatureRegistry registry;
    private transient ValueState<byte[]> state;
    private transient Counter duplicates;

    public ItemCounter(FeatureRegistry registry, long flushIntervalMs, int maxBuffered) {
        super(registry.halfLifeMillis(), flushIntervalMs, maxBuffered);
        this.registry = registry;
    }

    @Override
    public void open() throws Exception {
        super.open();
        state = getPartitionedState(new ValueStateDescriptor<>("item", BytePrimitiveArraySerializer.INSTANCE));
        duplicates = getMetricGroup().addGroup("reason", RejectReason.DUPLICATE.label()).counter("events_rejected");
    }

    @Override
    public void processElement1(StreamRecord<AttributedEvent> element) throws Exception {
        hold(element.getValue());
    }

    @Override
    public void processElement2(StreamRecord<ItemAttributes> element) throws Exception {
        countersOfCurrentKey().attribute(element.getValue().category());
        changed();
    }

    @Override
    public void endInput(int inputId) throws Exception {
        flush();
    }

    @Override
    EntityKey entityOf(String key) {
        return EntityKey.item(key);
    }

    @Override
    ValueState<byte[]> stateOf(EntityType type) {
        return state;
    }

    @Override
    long timeOf(AttributedEvent attributed) {
        return attributed.event().eventTime();
    }

    /**
     * Feedback that does not count for items still goes through the count with nothing to add, so that its copies
     * are still refused and it still picks up the item's category for the counters downstream.
     */
    @Override
    Delta deltaOf(AttributedEvent attributed) {
        return attributed.attribution().countsFor(EntityType.ITEM, registry.unmatchedFeedbackCountsFor())
                ? EventCounts.deltaOf(attributed.event(), registry) : Delta.NONE;
    }

    @Override
    String eventIdOf(AttributedEvent attributed) {
        return attributed.event().eventId();
    }

    @Override
    void counted(AttributedEvent attributed, EntityCounters counters) {
        Event event = attributed.event();
        output.collect(COUNTED, new StreamRecord<>(
                new CategorizedEvent(event, counters.attribute(), attributed.attribution()), event.eventTime()));
    }

    @Override
    void duplicate(AttributedEvent attributed) {
        Event event = attributed.event();
        duplicates.inc();
        output.collect(ValidateEvents.DEAD_LETTERS, new StreamRecord<>(DeadLetter.of(RejectReason.DUPLICATE,
                "event_id " + event.eventId() + " was already counted", EventCodec.encode(event),
                getProcessingTimeService().getCurrentProcessingTime())));
    }
}
