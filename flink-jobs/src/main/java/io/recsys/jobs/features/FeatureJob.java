package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventTimePolicy;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.Interaction;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The feature job: raw event records in, feature rows, interactions and item attributes out to the store,
 * refused records out to the dead-letter sink. It only wires; each step is its own tested operator. Sources and
 * sinks are injected, so tests run the very same graph on a MiniCluster.
 *
 * <pre>
 * events ─ validate ─ event time ─ drop late ─┬─ attach category (keyed by item, with catalogue) ─ fan out
 *                                             │        ─ cumulative counters (keyed by entity) ─┐
 *                                             └─ feedback → interactions ───────────────────────┼─ store
 * catalogue ─ parse ────────────────────────────────────────────────────────────────────────────┘
 * every refusal ─ dead letters
 * </pre>
 */
public final class FeatureJob {

    private final Source<String, ?, ?> events;
    private final Source<String, ?, ?> catalogue;
    private final Sink<StoreRecord> store;
    private final Sink<String> deadLetters;
    private final FeatureRegistry registry;
    private final EventTimePolicy timePolicy;

    public FeatureJob(Source<String, ?, ?> events, Source<String, ?, ?> catalogue, Sink<StoreRecord> store,
                      Sink<String> deadLetters, FeatureRegistry registry, EventTimePolicy timePolicy) {
        this.events = events;
        this.catalogue = catalogue;
        this.store = store;
        this.deadLetters = deadLetters;
        this.registry = registry;
        this.timePolicy = timePolicy;
    }

    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<Event> valid = env
                .fromSource(events, WatermarkStrategy.noWatermarks(), "events").uid("events-source")
                .process(new ValidateEvents(timePolicy)).name("validate").uid("validate");
        SingleOutputStreamOperator<Event> onTime = valid
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<Event>forBoundedOutOfOrderness(registry.maxOutOfOrderness())
                        .withTimestampAssigner((event, previous) -> event.eventTime())
                        .withIdleness(registry.sourceIdleness()))
                .name("event-time").uid("event-time")
                .process(new DropLateEvents()).name("drop-late").uid("drop-late");

        SingleOutputStreamOperator<ItemAttributes> items = env
                .fromSource(catalogue, WatermarkStrategy.noWatermarks(), "catalogue").uid("catalogue-source")
                .process(new ParseCatalogue()).name("parse-catalogue").uid("parse-catalogue");
        DataStream<ItemAttributes> timelessItems = items
                .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator(context -> new NeverHoldsBackTime()))
                .name("catalogue-time").uid("catalogue-time");

        DataStream<FeatureRow> rows = onTime.keyBy(Event::itemId, Types.STRING)
                .connect(timelessItems.keyBy(ItemAttributes::itemId, Types.STRING))
                .process(new AttachCategory()).name("attach-category").uid("attach-category")
                .flatMap(new EventCounts(registry)).name("fan-out").uid("fan-out")
                .keyBy(CountedEvent::stateKey, Types.STRING)
                .process(new CumulativeCounter(registry.halfLifeMillis())).name("cumulative-counters")
                .uid("cumulative-counters");
        DataStream<Interaction> interactions = onTime
                .filter(event -> event.type().isFeedback()).name("feedback").uid("feedback")
                .map(event -> new Interaction(event.userId(), event.eventTime(), event.itemId(),
                        event.type().wireName())).returns(Interaction.class).name("interactions").uid("interactions");

        rows.map(StoreRecord::of).returns(StoreRecord.class).name("rows").uid("rows")
                .union(interactions.map(StoreRecord::of).returns(StoreRecord.class).name("interaction-records")
                                .uid("interaction-records"),
                        items.map(StoreRecord::of).returns(StoreRecord.class).name("item-records")
                                .uid("item-records"))
                .sinkTo(store).name("feature-store").uid("feature-store");

        valid.getSideOutput(ValidateEvents.DEAD_LETTERS)
                .union(onTime.getSideOutput(ValidateEvents.DEAD_LETTERS),
                        items.getSideOutput(ValidateEvents.DEAD_LETTERS))
                .map(DeadLetter::toJson).returns(String.class).name("dead-letter-json").uid("dead-letter-json")
                .sinkTo(deadLetters).name("dead-letters").uid("dead-letters");
    }

    /**
     * The catalogue has no event time of its own; its watermark is "the end of time" so that, when joined with
     * the events, the events' watermark alone decides event-time progress.
     */
    static final class NeverHoldsBackTime implements WatermarkGenerator<ItemAttributes> {
        @Override
        public void onEvent(ItemAttributes item, long eventTimestamp, WatermarkOutput output) {
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }
}
