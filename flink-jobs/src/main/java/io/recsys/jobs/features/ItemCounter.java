package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.event.RejectReason;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by item, the first stop of every valid event: refuses copies of events already counted, counts the item
 * ({@link CounterState}, emitting its cumulative row), and passes each event counted once on with the item's
 * category (from the catalogue stream) to {@link #COUNTED}, for the user, user × category and global counters,
 * the interactions and the arm attribution downstream.
 *
 * <p>These three share one operator because they share one key and one state access: the copy check reads the
 * pending instant the count writes anyway. Apart, they cost two extra shuffles and a timer per event
 * (docs/benchmarks.md).
 *
 * <p>A copy is an event with the id of one already counted for the same item at the same event time: what a
 * client's retry or a producer's resend is. Copies are dead-lettered with reason {@code duplicate} until the
 * watermark passes their time; after that upstream refuses them as {@code late}.
 */
public class ItemCounter extends KeyedCoProcessFunction<String, Event, ItemAttributes, FeatureRow> {

    /** Every event counted once, with its item's category (null while the catalogue does not know the item). */
    public static final OutputTag<CategorizedEvent> COUNTED = new OutputTag<>("counted") {
    };

    private final FeatureRegistry registry;
    private transient CounterState counters;
    private transient ValueState<String> category;
    private transient Counter duplicates;
    private transient Counter outOfOrder;
    private transient Counter behindBase;

    public ItemCounter(FeatureRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void open(OpenContext openContext) {
        counters = CounterState.register(getRuntimeContext(), "item-", null, registry.halfLifeMillis());
        category = getRuntimeContext().getState(new ValueStateDescriptor<>("category", String.class));
        duplicates = getRuntimeContext().getMetricGroup().addGroup("reason", RejectReason.DUPLICATE.label())
                .counter("events_rejected");
        outOfOrder = getRuntimeContext().getMetricGroup().counter("events_out_of_order");
        behindBase = getRuntimeContext().getMetricGroup().counter("events_behind_watermark_dropped");
    }

    @Override
    public void processElement1(Event event, Context ctx, Collector<FeatureRow> out) throws Exception {
        CounterState.Outcome outcome = counters.add(event.eventTime(), EventCounts.deltaOf(event, registry),
                event.eventId(), (ts, row) -> out.collect(new FeatureRow(EntityType.ITEM, event.itemId(), ts, row)));
        switch (outcome) {
            case DUPLICATE -> {
                duplicates.inc();
                ctx.output(ValidateEvents.DEAD_LETTERS, DeadLetter.of(RejectReason.DUPLICATE,
                        "event_id " + event.eventId() + " was already counted", EventCodec.encode(event),
                        ctx.timerService().currentProcessingTime()));
                return;
            }
            case BEHIND_BASE -> {
                behindBase.inc();
                return;
            }
            case COUNTED_OUT_OF_ORDER -> outOfOrder.inc();
            case COUNTED -> {
            }
        }
        ctx.timerService().registerEventTimeTimer(CumulativeCounter.foldTimeOf(event.eventTime()));
        ctx.output(COUNTED, new CategorizedEvent(event, category.value()));
    }

    @Override
    public void processElement2(ItemAttributes item, Context ctx, Collector<FeatureRow> out) throws Exception {
        category.update(item.category());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeatureRow> out) throws Exception {
        String item = ctx.getCurrentKey();
        counters.fold(ctx.timerService().currentWatermark(),
                (ts, row) -> out.collect(new FeatureRow(EntityType.ITEM, item, ts, row)));
    }
}
