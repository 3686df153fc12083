package io.recsys.jobs.features;

import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureSegment;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.List;
import java.util.Map;

/**
 * A keyed operator that counts one entity per key ({@link EntityCounters}, one encoded state value per key). It
 * holds each key's records for up to the flush interval (or {@code maxBuffered} records in all) and applies them
 * together, so a hot entity's state is read and written once per batch rather than once per record; after each
 * batch it emits the entity's head, and as the watermark passes a second it emits that second's final segment.
 * The entities touched last stay decoded on the heap ({@link DecodedStateCache}) until they are evicted or a checkpoint
 * comes. Subclasses say what a record adds and what else happens to it.
 */
abstract class EntityCountingOperator<IN> extends BufferingOperator<StoreRecord>
        implements Triggerable<String, VoidNamespace> {

    /**
     * Entities kept decoded per subtask. Chosen by measurement (docs/benchmarks.md); about half a kilobyte each on
     * the heap, and a hot item's pending instants more.
     */
    static final int CACHED_ENTITIES = 20_000;

    private final double halfLifeMillis;
    private final int maxBuffered;
    private transient KeyedBatch<IN> batch;
    private transient DecodedStateCache<EntityCounters> cache;
    private transient InternalTimerService<VoidNamespace> folds;
    private transient Counter outOfOrder;
    private transient Counter behindBase;

    EntityCountingOperator(double halfLifeMillis, long flushIntervalMs, int maxBuffered) {
        super(flushIntervalMs);
        this.halfLifeMillis = halfLifeMillis;
        this.maxBuffered = maxBuffered;
    }

    /** The entity the state key names. */
    abstract EntityKey entityOf(String key);

    /** The state holding this type's entities. */
    abstract ValueState<byte[]> stateOf(EntityType type);

    abstract long timeOf(IN record);

    abstract Delta deltaOf(IN record);

    /** The record's id when copies are to be refused, else null. */
    abstract String eventIdOf(IN record);

    /** A record was counted; {@code counters} include it. */
    void counted(IN record, EntityCounters counters) {
    }

    /** A record was a copy of one already counted. */
    void duplicate(IN record) {
    }

    @Override
    public void open() throws Exception {
        super.open();
        folds = getInternalTimerService("fold", VoidNamespaceSerializer.INSTANCE, this);
        batch = new KeyedBatch<>();
        cache = new DecodedStateCache<>(CACHED_ENTITIES, this, EntityCounters::decode, EntityCounters::encode);
        outOfOrder = getMetricGroup().counter("events_out_of_order");
        behindBase = getMetricGroup().counter("events_behind_watermark_dropped");
    }

    /** The counters of the current key, for a subclass that changes them outside a batch; call {@link #changed}. */
    EntityCounters countersOfCurrentKey() throws Exception {
        Object key = getCurrentKey();
        return cache.get(key, stateOf(entityOf((String) key).type()));
    }

    /** The counters of the current key changed. */
    void changed() {
        cache.changed(getCurrentKey());
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        cache.writeBackChanged();
    }

    /** Holds a record of the current key for the next batch. */
    void hold(IN record) throws Exception {
        batch.add(getCurrentKey(), record);
        if (batch.size() >= maxBuffered) {
            flush();
        }
    }

    @Override
    final void flush() throws Exception {
        if (batch.size() == 0) {
            return;
        }
        for (Map.Entry<Object, List<IN>> entry : batch.drain().entrySet()) {
            setCurrentKey(entry.getKey());
            EntityKey entity = entityOf((String) entry.getKey());
            EntityCounters counters = cache.get(entry.getKey(), stateOf(entity.type()));
            boolean anyCounted = false;
            long registered = Long.MIN_VALUE;
            for (IN record : entry.getValue()) {
                switch (counters.add(timeOf(record), deltaOf(record), eventIdOf(record), halfLifeMillis)) {
                    case DUPLICATE -> {
                        duplicate(record);
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
                anyCounted = true;
                long foldAt = EntityCounters.foldTimeOf(timeOf(record));
                if (foldAt != registered) {
                    // a batch's records mostly share a second: one timer look-up for them
                    folds.registerEventTimeTimer(VoidNamespace.INSTANCE, foldAt);
                    registered = foldAt;
                }
                counted(record, counters);
            }
            if (anyCounted) {
                cache.changed(entry.getKey());
                output.collect(new StreamRecord<>(StoreRecord.head(counters.head(entity.type(), entity.id()))));
            }
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        EntityKey entity = entityOf(timer.getKey());
        EntityCounters counters = cache.get(timer.getKey(), stateOf(entity.type()));
        List<FeatureSegment> segments = counters.fold(entity.type(), entity.id(), folds.currentWatermark(),
                halfLifeMillis);
        if (!segments.isEmpty()) {
            cache.changed(timer.getKey());
            for (FeatureSegment segment : segments) {
                output.collect(new StreamRecord<>(StoreRecord.of(segment)));
            }
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
    }
}
