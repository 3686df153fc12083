package io.recsys.jobs.features;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.KeyContext;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded state values of the keys an operator touched last, written back to keyed state when evicted (least
 * recently used first) and all at once before each checkpoint. A hot key is then read from and written to RocksDB
 * about once per checkpoint instead of once per batch or event: a hot item's counters, which hold every pending
 * instant of the seconds the watermark has not passed, were tens of kilobytes decoded and encoded 20 times a second
 * (docs/benchmarks.md). Keyed state stays the truth at every checkpoint; between them the heap is newer.
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

    /** Writes every changed value back and forgets them all: state is the truth again. */
    void writeBackAll() throws Exception {
        for (Map.Entry<Object, Entry> entry : entries.entrySet()) {
            if (entry.getValue().dirty) {
                writeBack(entry.getKey(), entry.getValue());
            }
        }
        entries.clear();
    }

    private void writeBack(Object key, Entry entry) throws Exception {
        Object current = keys.getCurrentKey();
        keys.setCurrentKey(key);
        entry.state.update(encode.encode(entry.value));
        if (current != null) {
            keys.setCurrentKey(current);
        }
    }

    int size() {
        return entries.size();
    }
}
