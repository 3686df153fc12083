package io.recsys.jobs.features;

import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRow;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keyed by entity: keeps cumulative counters and emits, for every event, the entity's cumulative row at its
 * newest instant, so a click is readable as soon as the sink flushes. Rows hold absolute values, so a replay after
 * a failure rewrites identical rows.
 *
 * <p>Events may arrive out of order within the watermark's bound. An out-of-order event is added to the newest
 * row at once (that row covers everything up to its time) and leaves the rows between its own instant and the
 * newest one stale; those are rewritten, once, when the watermark passes them and their instants are folded into
 * {@code base}. Each instant is thus written at most twice, whatever the disorder, and the state per entity stays
 * small: only instants newer than the watermark are kept one by one.
 *
 * <p>Per-user state (user and user × category keys) expires after {@code userStateTtl} without an event, so the
 * state of users who left does not grow for ever. A returning user's counters start a new series; its rows carry
 * a new {@code firstSeen}, which tells the store's window arithmetic not to subtract rows of the old series (see
 * {@code FeatureDerivation.window}). Item and global state never expire: their all-time features depend on it.
 */
public class CumulativeCounter extends KeyedProcessFunction<String, CountedEvent, FeatureRow> {

    /** Pending instants are folded at most once per this many ms of event time, to keep timers few. */
    static final long FOLD_GRANULARITY_MS = 1_000;

    /** The global job parameter that overrides the registry's user state TTL, e.g. in flink-conf/config.yaml. */
    public static final String USER_STATE_TTL_PARAMETER = "recsys.user-state-ttl";

    private final double halfLifeMillis;
    private final Duration userStateTtl;
    private transient EntityState lasting;
    private transient EntityState expiring;
    private transient ValueState<CounterPoint> base;
    private transient ValueState<CounterPoint> head;
    private transient MapState<Long, Delta> pending;
    private transient ValueState<StaleRange> stale;
    private transient Counter outOfOrder;
    private transient Counter behindBase;

    /** @param userStateTtl how long per-user state lives without an event; zero keeps it for ever */
    public CumulativeCounter(double halfLifeMillis, Duration userStateTtl) {
        this.halfLifeMillis = halfLifeMillis;
        this.userStateTtl = userStateTtl;
    }

    /** One entity's state handles; which set a key uses depends on whether its state may expire. */
    private record EntityState(ValueState<CounterPoint> base, ValueState<CounterPoint> head,
                               MapState<Long, Delta> pending, ValueState<StaleRange> stale) {
    }

    /** Rows at instants in [from, until) were written before an out-of-order event at {@code from} arrived. */
    public record StaleRange(long from, long until) {
    }

    @Override
    public void open(OpenContext openContext) {
        lasting = entityState("", null);
        String configured = getRuntimeContext().getGlobalJobParameters().get(USER_STATE_TTL_PARAMETER);
        Duration ttl = configured == null ? userStateTtl : TimeUtils.parseDuration(configured);
        expiring = ttl.isZero() ? lasting : entityState("user-", StateExpiry.afterLastWrite(ttl));
        outOfOrder = getRuntimeContext().getMetricGroup().counter("events_out_of_order");
        behindBase = getRuntimeContext().getMetricGroup().counter("events_behind_watermark_dropped");
    }

    private EntityState entityState(String prefix, StateTtlConfig ttl) {
        ValueStateDescriptor<CounterPoint> baseDescriptor = new ValueStateDescriptor<>(prefix + "base",
                CounterPoint.class);
        ValueStateDescriptor<CounterPoint> headDescriptor = new ValueStateDescriptor<>(prefix + "head",
                CounterPoint.class);
        MapStateDescriptor<Long, Delta> pendingDescriptor = new MapStateDescriptor<>(prefix + "pending", Long.class,
                Delta.class);
        ValueStateDescriptor<StaleRange> staleDescriptor = new ValueStateDescriptor<>(prefix + "stale",
                StaleRange.class);
        if (ttl != null) {
            baseDescriptor.enableTimeToLive(ttl);
            headDescriptor.enableTimeToLive(ttl);
            pendingDescriptor.enableTimeToLive(ttl);
            staleDescriptor.enableTimeToLive(ttl);
        }
        return new EntityState(getRuntimeContext().getState(baseDescriptor),
                getRuntimeContext().getState(headDescriptor), getRuntimeContext().getMapState(pendingDescriptor),
                getRuntimeContext().getState(staleDescriptor));
    }

    /** Points the state fields at the set of the current key's entity type. */
    private void selectStateOf(EntityType type) {
        EntityState state = type == EntityType.USER || type == EntityType.USER_CATEGORY ? expiring : lasting;
        base = state.base();
        head = state.head();
        pending = state.pending();
        stale = state.stale();
    }

    @Override
    public void processElement(CountedEvent event, Context ctx, Collector<FeatureRow> out) throws Exception {
        selectStateOf(event.entityType());
        long ts = event.ts();
        CounterPoint latest = head.value();
        CounterPoint next;
        if (latest == null || ts > latest.ts()) {
            // the common case, events in order: one read and two writes of state
            Counters start = latest == null ? Counters.ZERO : latest.counters();
            next = new CounterPoint(ts, start.advance(latest == null ? ts : latest.ts(), ts, event.delta(),
                    halfLifeMillis));
            pending.put(ts, event.delta());
        } else {
            CounterPoint folded = base.value();
            if (folded != null && ts <= folded.ts()) {
                // Upstream drops late events, so this only happens if an idle source wakes up behind the others.
                behindBase.inc();
                return;
            }
            Delta previous = pending.get(ts);
            pending.put(ts, previous == null ? event.delta() : previous.plus(event.delta()));
            if (ts == latest.ts()) {
                next = new CounterPoint(ts, latest.counters().advance(ts, ts, event.delta(), halfLifeMillis));
            } else {
                outOfOrder.inc();
                next = new CounterPoint(latest.ts(),
                        latest.counters().plusEarlier(event.delta(), ts, latest.ts(), halfLifeMillis));
                StaleRange range = stale.value();
                stale.update(range == null ? new StaleRange(ts, latest.ts())
                        : new StaleRange(Math.min(range.from(), ts), Math.max(range.until(), latest.ts())));
            }
        }
        ctx.timerService().registerEventTimeTimer((ts / FOLD_GRANULARITY_MS + 1) * FOLD_GRANULARITY_MS);
        head.update(next);
        out.collect(new FeatureRow(event.entityType(), event.entityId(), next.ts(), next.counters()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeatureRow> out) throws Exception {
        selectStateOf(CountedEvent.typeOfStateKey(ctx.getCurrentKey()));
        long watermark = ctx.timerService().currentWatermark();
        StaleRange range = stale.value();
        CounterPoint folded = base.value();
        List<Long> done = new ArrayList<>();
        for (Map.Entry<Long, Delta> entry : sortedPending()) {
            long instant = entry.getKey();
            if (instant > watermark) {
                break;
            }
            Counters start = folded == null ? Counters.ZERO : folded.counters();
            folded = new CounterPoint(instant, start.advance(folded == null ? instant : folded.ts(), instant,
                    entry.getValue(), halfLifeMillis));
            done.add(instant);
            if (range != null && instant >= range.from() && instant < range.until()) {
                String key = ctx.getCurrentKey();
                out.collect(new FeatureRow(CountedEvent.typeOfStateKey(key), CountedEvent.idOfStateKey(key), instant,
                        folded.counters()));
            }
        }
        for (Long instant : done) {
            pending.remove(instant);
        }
        base.update(folded);
        if (range != null && folded != null && folded.ts() >= range.until()) {
            stale.clear();
        }
    }

    private List<Map.Entry<Long, Delta>> sortedPending() throws Exception {
        List<Map.Entry<Long, Delta>> entries = new ArrayList<>();
        for (Map.Entry<Long, Delta> entry : pending.entries()) {
            entries.add(Map.entry(entry.getKey(), entry.getValue()));
        }
        entries.sort(Map.Entry.comparingByKey());
        return entries;
    }
}
