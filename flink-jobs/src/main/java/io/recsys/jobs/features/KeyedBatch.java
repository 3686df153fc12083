package io.recsys.jobs.features;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records an operator holds per key between two flushes, so it reads and writes each key's state once per batch
 * instead of once per record; a hot key in a skewed stream gets many records per batch. Kept on the heap, not in
 * state: the operator flushes before every checkpoint barrier and every watermark.
 */
final class KeyedBatch<T> {

    private Map<Object, List<T>> byKey = new LinkedHashMap<>();
    private int size;

    void add(Object key, T value) {
        byKey.computeIfAbsent(key, k -> new ArrayList<>(2)).add(value);
        size++;
    }

    int size() {
        return size;
    }

    /** The records held, per key in the order the keys first came; the batch is empty afterwards. */
    Map<Object, List<T>> drain() {
        Map<Object, List<T>> drained = byKey;
        byKey = new LinkedHashMap<>();
        size = 0;
        return drained;
    }
}
