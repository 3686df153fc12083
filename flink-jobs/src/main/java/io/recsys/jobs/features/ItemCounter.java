package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.event.RejectReason;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureSegment;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.util.List;
import java.util.Map;

/**
 * Keyed by item, the first stop of every valid event: refuses copies of events already counted, counts the item
 * ({@link EntityCounters}: its head after every batch, its final segments as the watermark passes them), and
 * passes each event counted once on with the item's category (from the catalogue stream) to {@link #COUNTED}, for
 * the user, user × category and global counters, the interactions and the arm attribution downstream.
 *
 * <p>These share one operator because they share one key and one state value: the copy check reads the pending
 * instant the count writes anyway. Events are held per item for up to {@code flushIntervalMs} (or
 * {@code maxBuffered} events) and applied together, so a hot item's state is read and written once per batch
 * rather than once per event (docs/benchmarks.md); the batch is applied before every watermark and checkpoint
 * barrier, so it needs no state of its own.
 *
 * <p>A copy is an event with the id of one already counted for the same item at the same event time: what a
 * client's retry or a producer's resend is. Copies are dead-lettered with reason {@code duplicate} until the
 * watermark passes their time; after that upstream refuses them as {@code late}.
 */
public class ItemCounter extends BufferingOperator<StoreRecord>
        implements TwoInputStreamOperator<Event, ItemAttributes, StoreRecord>, Triggerable<String, VoidNamespace>,
        BoundedMultiInput {

    /** Every event counted once, with its item's category (null while the catalogue does not know the item). */
    public static final OutputTag<CategorizedEvent> COUNTED = new OutputTag<>("counted") {
    };

    private final FeatureRegistry registry;
    private final int maxBuffered;
    private transient ValueState<byte[]> state;
    private transient InternalTimerService<VoidNamespace> folds;
    private transient KeyedBatch<Event> batch;
    private transient Counter duplicates;
    private transient Counter outOfOrder;
    private transient Counter behindBase;

    public ItemCounter(FeatureRegistry registry, long flushIntervalMs, int maxBuffered) {
        super(flushIntervalMs);
        this.registry = registry;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public void open() throws Exception {
        super.open();
        state = getPartitionedState(new ValueStateDescriptor<>("item", BytePrimitiveArraySerializer.INSTANCE));
        folds = getInternalTimerService("fold", VoidNamespaceSerializer.INSTANCE, this);
        batch = new KeyedBatch<>();
        duplicates = getMetricGroup().addGroup("reason", RejectReason.DUPLICATE.label()).counter("events_rejected");
        outOfOrder = getMetricGroup().counter("events_out_of_order");
        behindBase = getMetricGroup().counter("events_behind_watermark_dropped");
    }

    @Override
    public void processElement1(StreamRecord<Event> element) throws Exception {
        batch.add(getCurrentKey(), element.getValue());
        if (batch.size() >= maxBuffered) {
            flush();
        }
    }

    @Override
    public void processElement2(StreamRecord<ItemAttributes> element) throws Exception {
        EntityCounters counters = EntityCounters.decode(state.value());
        counters.attribute(element.getValue().category());
        state.update(counters.encode());
    }

    @Override
    public void endInput(int inputId) throws Exception {
        flush();
    }

    @Override
    void flush() throws Exception {
        if (batch.size() == 0) {
            return;
        }
        double halfLife = registry.halfLifeMillis();
        for (Map.Entry<Object, List<Event>> entry : batch.drain().entrySet()) {
            setCurrentKey(entry.getKey());
            EntityCounters counters = EntityCounters.decode(state.value());
            boolean counted = false;
            long registered = Long.MIN_VALUE;
            for (Event event : entry.getValue()) {
                EntityCounters.Outcome outcome = counters.add(event.eventTime(), EventCounts.deltaOf(event, registry),
                        event.eventId(), halfLife);
                switch (outcome) {
                    case DUPLICATE -> {
                        duplicates.inc();
                        output.collect(ValidateEvents.DEAD_LETTERS, new StreamRecord<>(DeadLetter.of(
                                RejectReason.DUPLICATE, "event_id " + event.eventId() + " was already counted",
                                EventCodec.encode(event), getProcessingTimeService().getCurrentProcessingTime())));
                        continue;
                    }
                    case BEHIND_BASE -> {
                        behindBase.inc();
                        continue;
                    }
                    case COUNTED_OUT_OF_ORDER -> outOfOrder.inc();
                    case COUNTED -> {
                    }
                }
                counted = true;
                long foldAt = EntityCounters.foldTimeOf(event.eventTime());
                if (foldAt != registered) {
                    // a batch's events mostly share a bucket: one timer look-up for them
                    folds.registerEventTimeTimer(VoidNamespace.INSTANCE, foldAt);
                    registered = foldAt;
                }
                output.collect(COUNTED, new StreamRecord<>(new CategorizedEvent(event, counters.attribute()),
                        event.eventTime()));
            }
            if (counted) {
                state.update(counters.encode());
                output.collect(new StreamRecord<>(StoreRecord.head(counters.head(EntityType.ITEM,
                        (String) entry.getKey()))));
            }
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        EntityCounters counters = EntityCounters.decode(state.value());
        List<FeatureSegment> segments = counters.fold(EntityType.ITEM, timer.getKey(),
                folds.currentWatermark(), registry.halfLifeMillis());
        if (!segments.isEmpty()) {
            state.update(counters.encode());
            for (FeatureSegment segment : segments) {
                output.collect(new StreamRecord<>(StoreRecord.of(segment)));
            }
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
    }
}
