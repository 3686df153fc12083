package io.recsys.models.retrieval;

import java.util.Arrays;

/**
 * A binary heap of (integer score, node) pairs packed into longs, score in the high half, so that comparing longs
 * compares scores and then nodes, with no boxing: the worst pair on top ({@link #worstFirst}) for a search's
 * results, the best on top ({@link #bestFirst}) for its candidates. Grows as needed; reused by one thread.
 */
final class NodeHeap {

    /** Stored keys are {@code key ^ flip}: {@code ~key} reverses the order of every long, so one min-heap serves. */
    private final long flip;
    private long[] keys;
    private int size;

    private NodeHeap(int capacity, long flip) {
        this.keys = new long[Math.max(1, capacity)];
        this.flip = flip;
    }

    static NodeHeap worstFirst(int capacity) {
        return new NodeHeap(capacity, 0);
    }

    static NodeHeap bestFirst(int capacity) {
        return new NodeHeap(capacity, -1L);
    }

    static long pack(int score, int node) {
        return ((long) score << 32) | (node & 0xffffffffL);
    }

    static int score(long packed) {
        return (int) (packed >> 32);
    }

    static int node(long packed) {
        return (int) packed;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        size = 0;
    }

    void push(int score, int node) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
        }
        long key = pack(score, node) ^ flip;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            keys[i] = keys[parent];
            i = parent;
        }
        keys[i] = key;
    }

    /** The top pair, packed; the heap must not be empty. */
    long peek() {
        return keys[0] ^ flip;
    }

    /** Removes and returns the top pair, packed; the heap must not be empty. */
    long pop() {
        long top = keys[0];
        long last = keys[--size];
        if (size > 0) {
            siftDown(last);
        }
        return top ^ flip;
    }

    /** Replaces the top pair by another: a pop and a push in one pass. */
    void replaceTop(int score, int node) {
        siftDown(pack(score, node) ^ flip);
    }

    private void siftDown(long key) {
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            long smaller = keys[child];
            if (child + 1 < size && keys[child + 1] < smaller) {
                smaller = keys[++child];
            }
            if (key <= smaller) {
                break;
            }
            keys[i] = smaller;
            i = child;
        }
        keys[i] = key;
    }
}
