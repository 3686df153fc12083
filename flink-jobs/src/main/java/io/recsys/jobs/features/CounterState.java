package io.recsys.jobs.features;

import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.Delta;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cumulative counters of the current key's entity, in keyed state, and how events move them. After every event
 * the entity's cumulative row at its newest instant is emitted, so a click is readable as soon as the sink flushes.
 * Rows hold absolute values, so a replay after a failure rewrites identical rows.
 *
 * <p>Events may arrive out of order within the watermark's bound. An out-of-order event is added to the newest
 * row at once (that row covers everything up to its time) and leaves the rows between its own instant and the
 * newest one stale; those are rewritten, once, when the watermark passes them and their instants are folded into
 * {@code base}. Each instant is thus written at most twice, whatever the disorder, and the state per entity stays
 * small: only instants newer than the watermark are kept one by one.
 *
 * <p>Where events carry ids, each pending instant keeps the ids counted at it, so a copy of an event (a client's
 * retry, a producer's resend: same id and event time) is recognised at no extra state access. Once the watermark
 * passes the instant, copies are refused upstream as late.
 */
final class CounterState {

    /** What became of one event. */
    enum Outcome { COUNTED, COUNTED_OUT_OF_ORDER, DUPLICATE, BEHIND_BASE }

    /** Where a row of this entity goes: its instant and its cumulative counters through it. */
    @FunctionalInterface
    interface RowOutput {
        void emit(long ts, Counters counters);
    }

    private final ValueState<CounterPoint> base;
    private final ValueState<CounterPoint> head;
    private final MapState<Long, PendingInstant> pending;
    private final ValueState<StaleRange> stale;
    private final double halfLifeMillis;

    private CounterState(ValueState<CounterPoint> base, ValueState<CounterPoint> head,
                         MapState<Long, PendingInstant> pending, ValueState<StaleRange> stale,
                         double halfLifeMillis) {
        this.base = base;
        this.head = head;
        this.pending = pending;
        this.stale = stale;
        this.halfLifeMillis = halfLifeMillis;
    }

    /**
     * @param prefix names this set of state apart from others in the same operator
     * @param ttl    how the state lapses, or null to keep it for ever
     */
    static CounterState register(RuntimeContext context, String prefix, StateTtlConfig ttl, double halfLifeMillis) {
        ValueStateDescriptor<CounterPoint> baseDescriptor = new ValueStateDescriptor<>(prefix + "base",
                CounterPoint.class);
        ValueStateDescriptor<CounterPoint> headDescriptor = new ValueStateDescriptor<>(prefix + "head",
                CounterPoint.class);
        MapStateDescriptor<Long, PendingInstant> pendingDescriptor = new MapStateDescriptor<>(prefix + "pending",
                Long.class, PendingInstant.class);
        ValueStateDescriptor<StaleRange> staleDescriptor = new ValueStateDescriptor<>(prefix + "stale",
                StaleRange.class);
        if (ttl != null) {
            baseDescriptor.enableTimeToLive(ttl);
            headDescriptor.enableTimeToLive(ttl);
            pendingDescriptor.enableTimeToLive(ttl);
            staleDescriptor.enableTimeToLive(ttl);
        }
        return new CounterState(context.getState(baseDescriptor), context.getState(headDescriptor),
                context.getMapState(pendingDescriptor), context.getState(staleDescriptor), halfLifeMillis);
    }

    /** Rows at instants in [from, until) were written before an out-of-order event at {@code from} arrived. */
    public record StaleRange(long from, long until) {
    }

    /**
     * Counts one event of the current entity at {@code ts} and emits the entity's newest row.
     *
     * @param eventId the event's id when copies are to be refused, else null
     */
    Outcome add(long ts, Delta delta, String eventId, RowOutput out) throws Exception {
        CounterPoint latest = head.value();
        CounterPoint next;
        Outcome outcome = Outcome.COUNTED;
        if (latest == null || ts > latest.ts()) {
            // the common case, events in order: one read and two writes of state
            Counters start = latest == null ? Counters.ZERO : latest.counters();
            next = new CounterPoint(ts, start.advance(latest == null ? ts : latest.ts(), ts, delta,
                    halfLifeMillis));
            pending.put(ts, PendingInstant.of(delta, eventId));
        } else {
            CounterPoint folded = base.value();
            if (folded != null && ts <= folded.ts()) {
                // Upstream drops late events, so this only happens if an idle source wakes up behind the others.
                return Outcome.BEHIND_BASE;
            }
            PendingInstant previous = pending.get(ts);
            if (previous != null && eventId != null && previous.contains(eventId)) {
                return Outcome.DUPLICATE;
            }
            pending.put(ts, previous == null ? PendingInstant.of(delta, eventId) : previous.plus(delta, eventId));
            if (ts == latest.ts()) {
                next = new CounterPoint(ts, latest.counters().advance(ts, ts, delta, halfLifeMillis));
            } else {
                outcome = Outcome.COUNTED_OUT_OF_ORDER;
                next = new CounterPoint(latest.ts(),
                        latest.counters().plusEarlier(delta, ts, latest.ts(), halfLifeMillis));
                StaleRange range = stale.value();
                stale.update(range == null ? new StaleRange(ts, latest.ts())
                        : new StaleRange(Math.min(range.from(), ts), Math.max(range.until(), latest.ts())));
            }
        }
        head.update(next);
        out.emit(next.ts(), next.counters());
        return outcome;
    }

    /**
     * Folds the instants at or behind {@code watermark} into {@code base}, forgetting them one by one, and rewrites
     * the stale rows among them.
     */
    void fold(long watermark, RowOutput out) throws Exception {
        StaleRange range = stale.value();
        CounterPoint folded = base.value();
        List<Long> done = new ArrayList<>();
        for (Map.Entry<Long, PendingInstant> entry : sortedPending()) {
            long instant = entry.getKey();
            if (instant > watermark) {
                break;
            }
            Counters start = folded == null ? Counters.ZERO : folded.counters();
            folded = new CounterPoint(instant, start.advance(folded == null ? instant : folded.ts(), instant,
                    entry.getValue().delta(), halfLifeMillis));
            done.add(instant);
            if (range != null && instant >= range.from() && instant < range.until()) {
                out.emit(instant, folded.counters());
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

    private List<Map.Entry<Long, PendingInstant>> sortedPending() throws Exception {
        List<Map.Entry<Long, PendingInstant>> entries = new ArrayList<>();
        for (Map.Entry<Long, PendingInstant> entry : pending.entries()) {
            entries.add(Map.entry(entry.getKey(), entry.getValue()));
        }
        entries.sort(Map.Entry.comparingByKey());
        return entries;
    }
}
