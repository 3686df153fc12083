package io.recsys.jobs.features;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.KeyContext;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded state values of the keys an operator touched last, written back to keyed state when evicted (least
 * recently used first) and, if changed, all at once before each checkpoint. A hot key is then read from RocksDB once
 * while it stays hot and written about once per checkpoint instead of once per batch or event: a hot item's
 * counters, which hold every pending instant of the seconds the watermark has not passed, were tens of kilobytes
 * decoded and encoded 20 times a second (docs/benchmarks.md). Keyed state stays the truth at every checkpoint;
 * between them the heap is newer. Values used since the previous checkpoint stay decoded across it: emptying the
 * cache at each barrier made every hot key pay a read and a decode again right after it, in the seconds the
 * freshness tail was worst. The others are dropped then, so that a key idle for longer than its state's time to
 * live is read from state again and finds it expired, as it would without the cache.
 *
 * <p>Not thread-safe: the operator's task thread is its only user.
 */
final class DecodedStateCache<V> {

    /** Decodes a state value, or makes the empty one for null (the key has none yet). */
    interface Decode<V> {
        V decode(byte[] encoded);
    }

    /** Encodes a value for its state. */
    interface Encode<V> {
        byte[] encode(V value);
    }

    private final class Entry {
        final ValueState<byte[]> state;
        final V value;
        boolean dirty;
        boolean usedSinceCheckpoint = true;

        Entry(ValueState<byte[]> state, V value) {
            this.state = state;
            this.value = value;
        }
    }

    private final int capacity;
    private final Decode<V> decode;
    private final KeyContext keys;
    private final Encode<V> encode;
    private final LinkedHashMap<Object, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);

    /** @param keys the operator's key context: a value is written back under its own key, then the key restored */
    DecodedStateCache(int capacity, KeyContext keys, Decode<V> decode, Encode<V> encode) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a state cache needs room for one key, got " + capacity);
        }
        this.capacity = capacity;
        this.keys = keys;
        this.decode = decode;
        this.encode = encode;
    }

    /**
     * The value of {@code key}, from the heap or else decoded from {@code state}, which must be scoped to
     * {@code key} (the operator's current key). May write back the least recently used key to make room.
     */
    V get(Object key, ValueState<byte[]> state) throws Exception {
        Entry entry = entries.get(key);
        if (entry != null) {
            entry.usedSinceCheckpoint = true;
            return entry.value;
        }
        entry = new Entry(state, decode.decode(state.value()));
        entries.put(key, entry);
        if (entries.size() > capacity) {
            Iterator<Map.Entry<Object, Entry>> eldest = entries.entrySet().iterator();
            Map.Entry<Object, Entry> evicted = eldest.next();
            eldest.remove();
            if (evicted.getValue().dirty) {
                writeBack(evicted.getKey(), evicted.getValue());
            }
        }
        return entry.value;
    }

    /** Records that the value {@link #get} returned for {@code key} changed. */
    void changed(Object key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            throw new IllegalStateException("the value of " + key + " changed but is not in the cache");
        }
        entry.dirty = true;
    }

    /**
     * Writes every changed value back, so that state is the truth again, and forgets the values nothing used since
     * the previous call.
     */
    void writeBackChanged() throws Exception {
        Iterator<Map.Entry<Object, Entry>> all = entries.entrySet().iterator();
        while (all.hasNext()) {
            Map.Entry<Object, Entry> entry = all.next();
            if (entry.getValue().dirty) {
                writeBack(entry.getKey(), entry.getValue());
            }
            if (!entry.getValue().usedSinceCheckpoint) {
                all.remove();
            } else {
                entry.getValue().usedSinceCheckpoint = false;
            }
        }
    }

    private void writeBack(Object key, Entry entry) throws Exception {
        Object current = keys.getCurrentKey();
        keys.setCurrentKey(key);
        entry.state.update(encode.encode(entry.value));
        entry.dirty = false;
        if (current != null) {
            keys.setCurrentKey(current);
        }
    }

    int size() {
        return entries.size();
    }
}
