package io.recsys.api.live;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} values added, oldest first; adding past capacity drops the oldest. Safe to add from
 * one thread while others read.
 */
public final class SampleRing<T> {

    private final Object[] slots;
    private int next;
    private int size;

    public SampleRing(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a ring holds at least one value, not " + capacity);
        }
        this.slots = new Object[capacity];
    }

    public synchronized void add(T value) {
        slots[next] = value;
        next = (next + 1) % slots.length;
        size = Math.min(size + 1, slots.length);
    }

    public synchronized int size() {
        return size;
    }

    /** What the ring holds, oldest first. */
    @SuppressWarnings("unchecked")
    public synchronized List<T> toList() {
        List<T> values = new ArrayList<>(size);
        int first = (next - size + slots.length) % slots.length;
        for (int i = 0; i < size; i++) {
            values.add((T) slots[(first + i) % slots.length]);
        }
        return values;
    }

    /** The value added {@code back} adds before the newest (0: the newest), or null when the ring holds fewer. */
    @SuppressWarnings("unchecked")
    public synchronized T fromNewest(int back) {
        if (back < 0 || back >= size) {
            return null;
        }
        return (T) slots[(next - 1 - back + 2 * slots.length) % slots.length];
    }
}
