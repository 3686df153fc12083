package io.recsys.jobs.features;

import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureSegment;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Keyed by entity (users, user × category pairs, the global entity; items are counted by {@link ItemCounter}):
 * keeps each entity's cumulative counters ({@link EntityCounters}), emitting its head after every batch of its
 * events and its final segments as the watermark passes them. Records are held per entity for up to
 * {@code flushIntervalMs} (or {@code maxBuffered} records) and applied together, as in {@link ItemCounter}.
 *
 * <p>Per-user state (user and user × category keys) expires after {@code userStateTtl} without an event, so the
 * state of users who left does not grow for ever. A returning user's counters start a new series; its rows carry
 * a new {@code firstSeen}, which tells the store's window arithmetic not to subtract rows of the old series (see
 * {@code FeatureDerivation.window}). Global state never expires: its all-time features depend on it.
 */
public class CumulativeCounter extends BufferingOperator<StoreRecord>
        implements OneInputStreamOperator<CountedEvent, StoreRecord>, Triggerable<String, VoidNamespace>,
        BoundedOneInput {

    /** The global job parameter that overrides the registry's user state TTL, e.g. in flink-conf/config.yaml. */
    public static final String USER_STATE_TTL_PARAMETER = "recsys.user-state-ttl";

    private final double halfLifeMillis;
    private final Duration userStateTtl;
    private final int maxBuffered;
    private transient ValueState<byte[]> lasting;
    private transient ValueState<byte[]> expiring;
    private transient InternalTimerService<VoidNamespace> folds;
    private transient KeyedBatch<CountedEvent> batch;
    private transient Counter outOfOrder;
    private transient Counter behindBase;

    /** @param userStateTtl how long per-user state lives without an event; zero keeps it for ever */
    public CumulativeCounter(double halfLifeMillis, Duration userStateTtl, long flushIntervalMs, int maxBuffered) {
        super(flushIntervalMs);
        this.halfLifeMillis = halfLifeMillis;
        this.userStateTtl = userStateTtl;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public void open() throws Exception {
        super.open();
        lasting = getPartitionedState(new ValueStateDescriptor<>("entity", BytePrimitiveArraySerializer.INSTANCE));
        String configured = getRuntimeContext().getGlobalJobParameters().get(USER_STATE_TTL_PARAMETER);
        Duration ttl = configured == null ? userStateTtl : TimeUtils.parseDuration(configured);
        if (ttl.isZero()) {
            expiring = lasting;
        } else {
            ValueStateDescriptor<byte[]> descriptor = new ValueStateDescriptor<>("user-entity",
                    BytePrimitiveArraySerializer.INSTANCE);
            descriptor.enableTimeToLive(StateExpiry.afterLastWrite(ttl));
            expiring = getPartitionedState(descriptor);
        }
        folds = getInternalTimerService("fold", VoidNamespaceSerializer.INSTANCE, this);
        batch = new KeyedBatch<>();
        outOfOrder = getMetricGroup().counter("events_out_of_order");
        behindBase = getMetricGroup().counter("events_behind_watermark_dropped");
    }

    /** The state of the current key's entity type: per-user state may expire, the rest may not. */
    private ValueState<byte[]> stateOf(EntityType type) {
        return type == EntityType.USER || type == EntityType.USER_CATEGORY ? expiring : lasting;
    }

    @Override
    public void processElement(StreamRecord<CountedEvent> element) throws Exception {
        batch.add(getCurrentKey(), element.getValue());
        if (batch.size() >= maxBuffered) {
            flush();
        }
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    void flush() throws Exception {
        if (batch.size() == 0) {
            return;
        }
        for (Map.Entry<Object, List<CountedEvent>> entry : batch.drain().entrySet()) {
            setCurrentKey(entry.getKey());
            List<CountedEvent> events = entry.getValue();
            EntityType type = events.get(0).entityType();
            ValueState<byte[]> state = stateOf(type);
            EntityCounters counters = EntityCounters.decode(state.value());
            boolean counted = false;
            long registered = Long.MIN_VALUE;
            for (CountedEvent event : events) {
                EntityCounters.Outcome outcome = counters.add(event.ts(), event.delta(), null, halfLifeMillis);
                if (outcome == EntityCounters.Outcome.BEHIND_BASE) {
                    behindBase.inc();
                    continue;
                }
                if (outcome == EntityCounters.Outcome.COUNTED_OUT_OF_ORDER) {
                    outOfOrder.inc();
                }
                counted = true;
                long foldAt = EntityCounters.foldTimeOf(event.ts());
                if (foldAt != registered) {
                    // a batch's events mostly share a bucket: one timer look-up for them
                    folds.registerEventTimeTimer(VoidNamespace.INSTANCE, foldAt);
                    registered = foldAt;
                }
            }
            if (counted) {
                state.update(counters.encode());
                output.collect(new StreamRecord<>(StoreRecord.head(counters.head(type, events.get(0).entityId()))));
            }
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String key = timer.getKey();
        EntityType type = CountedEvent.typeOfStateKey(key);
        ValueState<byte[]> state = stateOf(type);
        EntityCounters counters = EntityCounters.decode(state.value());
        List<FeatureSegment> segments = counters.fold(type, CountedEvent.idOfStateKey(key), folds.currentWatermark(),
                halfLifeMillis);
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
