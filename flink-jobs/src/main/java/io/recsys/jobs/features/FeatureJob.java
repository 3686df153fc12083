package io.recsys.jobs.features;

import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.Interaction;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
 * events (decoded, event time per partition) ─ validate ─ drop late ─ match feedback to lists shown (keyed by user) ─┐
 * catalogue ─ parse ─ store                                                  ├─ item counters (keyed by item: drop copies,
 *                                          └─────────────────────────────────┘  count the item, attach category) ─ store
 *   each event counted once ─┬─ fan out ─ sum global per instant ─ cumulative counters (keyed by entity) ─ store
 *                            ├─ feedback → interactions ─ store
 *                            └─ impressions with an arm, matched clicks → arm attribution (keyed by request)
 * every refusal ─ dead letters
 * </pre>
 */
public final class FeatureJob {

    static final long GLOBAL_FLUSH_INTERVAL_MS = 20;
    /**
     * The counters apply events per entity in batches of up to this long or this many events: a hot entity's state
     * is then read and written once per batch. The interval adds to freshness, so it stays well under the sink's.
     */
    static final long COUNTER_FLUSH_INTERVAL_MS = 50;
    static final int COUNTER_MAX_BUFFERED = 10_000;

    private final Source<DecodedRecord, ?, ?> events;
    private final Source<String, ?, ?> catalogue;
    private final Sink<StoreRecord> store;
    private final Sink<String> deadLetters;
    private final FeatureRegistry registry;

    public FeatureJob(Source<DecodedRecord, ?, ?> events, Source<String, ?, ?> catalogue, Sink<StoreRecord> store,
                      Sink<String> deadLetters, FeatureRegistry registry) {
        this.events = events;
        this.catalogue = catalogue;
        this.store = store;
        this.deadLetters = deadLetters;
        this.registry = registry;
    }

    /**
     * The production wiring: events and catalogue from Kafka, rows to the store (and each write's changed entities
     * to the change topic), refusals to the dead-letter topic.
     */
    public static FeatureJob onKafka(KafkaConnection kafka, Source<DecodedRecord, ?, ?> events,
                                     Source<String, ?, ?> catalogue, String storeUrl, FeatureRegistry registry,
                                     SinkBatching sinkBatching) {
        return new FeatureJob(events, catalogue,
                new FeatureStoreSink(storeUrl, registry, sinkBatching.maxRows(), sinkBatching.flushIntervalMs(),
                        kafka, Topics.FEATURE_CHANGES),
                KafkaEndpoints.sink(kafka, Topics.DEAD_LETTER), registry);
    }

    public void build(StreamExecutionEnvironment env) {
        // Watermarks come from the source, per Kafka partition: each partition is in time order, their
        // interleaving is not. Records that failed to decode carry no time and do not move the watermark.
        WatermarkStrategy<DecodedRecord> eventTime = WatermarkStrategy
                .<DecodedRecord>forBoundedOutOfOrderness(registry.maxOutOfOrderness())
                .withTimestampAssigner((record, kafkaTime) ->
                        record.event() == null ? Long.MIN_VALUE : record.event().eventTime())
                .withIdleness(registry.sourceIdleness());
        SingleOutputStreamOperator<Event> valid = env
                .fromSource(events, eventTime, "events").uid("events-source")
                .process(new ValidateEvents()).name("validate").uid("validate");
        SingleOutputStreamOperator<Event> onTime = valid
                .process(new DropLateEvents()).name("drop-late").uid("drop-late");

        SingleOutputStreamOperator<ItemAttributes> items = env
                .fromSource(catalogue, WatermarkStrategy.<String>forGenerator(context -> new NeverHoldsBackTime()),
                        "catalogue").uid("catalogue-source")
                .process(new ParseCatalogue()).name("parse-catalogue").uid("parse-catalogue");

        SingleOutputStreamOperator<AttributedEvent> attributed = onTime.keyBy(Event::userId, Types.STRING)
                .transform("match-feedback", TypeInformation.of(AttributedEvent.class), new FeedbackMatcher(registry))
                .uid("match-feedback");

        SingleOutputStreamOperator<StoreRecord> itemRows = attributed
                .keyBy(event -> event.event().itemId(), Types.STRING)
                .connect(items.keyBy(ItemAttributes::itemId, Types.STRING))
                .transform("item-counters", TypeInformation.of(StoreRecord.class),
                        new ItemCounter(registry, COUNTER_FLUSH_INTERVAL_MS, COUNTER_MAX_BUFFERED))
                .uid("item-counters");
        DataStream<CategorizedEvent> counted = itemRows.getSideOutput(ItemCounter.COUNTED);

        DataStream<StoreRecord> entityRows = counted
                .flatMap(new EventCounts(registry)).name("fan-out").uid("fan-out")
                .transform("pre-aggregate-global", TypeInformation.of(CountedEvent.class),
                        new GlobalPreAggregation(GLOBAL_FLUSH_INTERVAL_MS)).uid("pre-aggregate-global")
                .keyBy(CountedEvent::stateKey, Types.STRING)
                .transform("cumulative-counters", TypeInformation.of(StoreRecord.class),
                        new CumulativeCounter(registry.halfLifeMillis(), registry.userStateTtl(),
                                COUNTER_FLUSH_INTERVAL_MS, COUNTER_MAX_BUFFERED))
                .uid("cumulative-counters");
        DataStream<Interaction> interactions = counted
                .filter(categorized -> categorized.event().type().isFeedback()).name("feedback").uid("feedback")
                .map(categorized -> interactionOf(categorized.event())).returns(Interaction.class)
                .name("interactions").uid("interactions");

        counted.filter(ArmAttribution::attributable).name("attributable").uid("attributable")
                .map(CategorizedEvent::event).returns(Event.class).name("counted-events").uid("counted-events")
                .keyBy(Event::requestId, Types.STRING)
                .process(new ArmAttribution(registry.feedbackAttributionWindow())).returns(Types.VOID).name("arm-attribution")
                .uid("arm-attribution");

        // One sink per kind, so the bulk (feature rows) is chained to the counters and never re-serialized.
        itemRows.sinkTo(store).name("feature-store-items-counted").uid("feature-store-items-counted");
        entityRows.sinkTo(store).name("feature-store").uid("feature-store");
        interactions.map(StoreRecord::of).returns(StoreRecord.class).name("interaction-records")
                .uid("interaction-records")
                .sinkTo(store).name("feature-store-interactions").uid("feature-store-interactions");
        items.map(StoreRecord::of).returns(StoreRecord.class).name("item-records").uid("item-records")
                .sinkTo(store).name("feature-store-items").uid("feature-store-items");

        valid.getSideOutput(ValidateEvents.DEAD_LETTERS)
                .union(onTime.getSideOutput(ValidateEvents.DEAD_LETTERS),
                        attributed.getSideOutput(ValidateEvents.DEAD_LETTERS),
                        itemRows.getSideOutput(ValidateEvents.DEAD_LETTERS),
                        items.getSideOutput(ValidateEvents.DEAD_LETTERS))
                .map(DeadLetter::toJson).returns(String.class).name("dead-letter-json").uid("dead-letter-json")
                .sinkTo(deadLetters).name("dead-letters").uid("dead-letters");
    }

    private static Interaction interactionOf(Event event) {
        return new Interaction(event.userId(), event.eventTime(), event.itemId(), event.type().wireName());
    }

    /**
     * The catalogue has no event time of its own; its watermark is "the end of time" so that, when joined with
     * the events, the events' watermark alone decides event-time progress.
     */
    static final class NeverHoldsBackTime implements WatermarkGenerator<String> {
        @Override
        public void onEvent(String item, long eventTimestamp, WatermarkOutput output) {
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }
}
