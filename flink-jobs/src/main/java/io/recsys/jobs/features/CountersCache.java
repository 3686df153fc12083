package io.recsys.jobs.features;

import org.apache.flink.api.common.state.ValueState;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded counters of the entities an operator touched last, written back to keyed state when evicted (least
 * recently used first) and all at once before each checkpoint. A hot entity is then read from and written to
 * RocksDB about once per checkpoint instead of once per batch: its value, which holds every pending instant of the
 * seconds the watermark has not passed, was tens of kilobytes decoded and encoded 20 times a second
 * (docs/benchmarks.md). Keyed state stays the truth at every checkpoint; between them the heap is newer.
 *
 * <p>Not thread-safe: the operator's task thread is its only user.
 */
final class CountersCache {

    /** Writes one entity's counters to its state; the caller's current key is the operator's to restore. */
    interface WriteBack {
        void write(Object key, ValueState<byte[]> state, EntityCounters counters) throws Exception;
    }

    private static final class Entry {
        final ValueState<byte[]> state;
        final EntityCounters counters;
        boolean dirty;

        Entry(ValueState<byte[]> state, EntityCounters counters) {
            this.state = state;
            this.counters = counters;
        }
    }

    private final int capacity;
    private final WriteBack writeBack;
    private final LinkedHashMap<Object, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);

    CountersCache(int capacity, WriteBack writeBack) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the counters cache needs room for one entity, got " + capacity);
        }
        this.capacity = capacity;
        this.writeBack = writeBack;
    }

    /**
     * The counters of {@code key}, from the heap or else decoded from {@code state}, which must be scoped to
     * {@code key} (the operator's current key). May write back the least recently used entity to make room.
     */
    EntityCounters get(Object key, ValueState<byte[]> state) throws Exception {
        Entry entry = entries.get(key);
        if (entry != null) {
            return entry.counters;
        }
        entry = new Entry(state, EntityCounters.decode(state.value()));
        entries.put(key, entry);
        if (entries.size() > capacity) {
            Iterator<Map.Entry<Object, Entry>> eldest = entries.entrySet().iterator();
            Map.Entry<Object, Entry> evicted = eldest.next();
            eldest.remove();
            if (evicted.getValue().dirty) {
                writeBack.write(evicted.getKey(), evicted.getValue().state, evicted.getValue().counters);
            }
        }
        return entry.counters;
    }

    /** Records that the counters {@link #get} returned for {@code key} changed. */
    void changed(Object key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            throw new IllegalStateException("counters of " + key + " changed but are not in the cache");
        }
        entry.dirty = true;
    }

    /** Writes every changed entity back and forgets them all: state is the truth again. */
    void writeBackAll() throws Exception {
        for (Map.Entry<Object, Entry> entry : entries.entrySet()) {
            if (entry.getValue().dirty) {
                writeBack.write(entry.getKey(), entry.getValue().state, entry.getValue().counters);
            }
        }
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
