package io.recsys.jobs.features;

import java.io.Serializable;

/**
 * How the feature-store sink groups rows into writes: a batch goes out when it holds {@code maxRows} or when
 * {@code flushIntervalMs} has passed since its first row, whichever comes first — bigger batches for throughput, the
 * interval bounds how stale a served feature can be.
 */
public record SinkBatching(int maxRows, long flushIntervalMs) implements Serializable {

    public static final SinkBatching DEFAULT = new SinkBatching(5_000, 100);

    public SinkBatching {
        if (maxRows < 1 || flushIntervalMs < 1) {
            throw new IllegalArgumentException("sink batches need at least one row and a positive flush interval, got "
                    + maxRows + " rows / " + flushIntervalMs + " ms");
        }
    }
}
