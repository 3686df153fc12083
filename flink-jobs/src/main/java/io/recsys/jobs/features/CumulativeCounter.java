package io.recsys.jobs.features;

import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRow;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;

/**
 * Keyed by entity (users, user × category pairs, the global entity; items are counted by {@link ItemCounter}):
 * keeps each entity's cumulative counters ({@link CounterState}) and emits its cumulative row for every event.
 *
 * <p>Per-user state (user and user × category keys) expires after {@code userStateTtl} without an event, so the
 * state of users who left does not grow for ever. A returning user's counters start a new series; its rows carry
 * a new {@code firstSeen}, which tells the store's window arithmetic not to subtract rows of the old series (see
 * {@code FeatureDerivation.window}). Global state never expires: its all-time features depend on it.
 */
public class CumulativeCounter extends KeyedProcessFunction<String, CountedEvent, FeatureRow> {

    /** Pending instants are folded at most once per this many ms of event time, to keep timers few. */
    static final long FOLD_GRANULARITY_MS = 1_000;

    /** The global job parameter that overrides the registry's user state TTL, e.g. in flink-conf/config.yaml. */
    public static final String USER_STATE_TTL_PARAMETER = "recsys.user-state-ttl";

    private final double halfLifeMillis;
    private final Duration userStateTtl;
    private transient CounterState lasting;
    private transient CounterState expiring;
    private transient Counter outOfOrder;
    private transient Counter behindBase;

    /** @param userStateTtl how long per-user state lives without an event; zero keeps it for ever */
    public CumulativeCounter(double halfLifeMillis, Duration userStateTtl) {
        this.halfLifeMillis = halfLifeMillis;
        this.userStateTtl = userStateTtl;
    }

    @Override
    public void open(OpenContext openContext) {
        lasting = CounterState.register(getRuntimeContext(), "", null, halfLifeMillis);
        String configured = getRuntimeContext().getGlobalJobParameters().get(USER_STATE_TTL_PARAMETER);
        Duration ttl = configured == null ? userStateTtl : TimeUtils.parseDuration(configured);
        expiring = ttl.isZero() ? lasting
                : CounterState.register(getRuntimeContext(), "user-", StateExpiry.afterLastWrite(ttl), halfLifeMillis);
        outOfOrder = getRuntimeContext().getMetricGroup().counter("events_out_of_order");
        behindBase = getRuntimeContext().getMetricGroup().counter("events_behind_watermark_dropped");
    }

    /** The state set of the current key's entity type: per-user state may expire, the rest may not. */
    private CounterState stateOf(EntityType type) {
        return type == EntityType.USER || type == EntityType.USER_CATEGORY ? expiring : lasting;
    }

    @Override
    public void processElement(CountedEvent event, Context ctx, Collector<FeatureRow> out) throws Exception {
        CounterState.Outcome outcome = stateOf(event.entityType()).add(event.ts(), event.delta(), null,
                (ts, counters) -> out.collect(new FeatureRow(event.entityType(), event.entityId(), ts, counters)));
        switch (outcome) {
            case BEHIND_BASE -> behindBase.inc();
            case COUNTED_OUT_OF_ORDER -> outOfOrder.inc();
            default -> {
            }
        }
        if (outcome != CounterState.Outcome.BEHIND_BASE) {
            ctx.timerService().registerEventTimeTimer(foldTimeOf(event.ts()));
        }
    }

    /** When the instant {@code ts} is folded: the end of its second of event time. */
    static long foldTimeOf(long ts) {
        return (ts / FOLD_GRANULARITY_MS + 1) * FOLD_GRANULARITY_MS;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeatureRow> out) throws Exception {
        String key = ctx.getCurrentKey();
        EntityType type = CountedEvent.typeOfStateKey(key);
        String id = CountedEvent.idOfStateKey(key);
        stateOf(type).fold(ctx.timerService().currentWatermark(),
                (ts, counters) -> out.collect(new FeatureRow(type, id, ts, counters)));
    }
}
