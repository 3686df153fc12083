package io.recsys.jobs.features;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.Interaction;
import io.recsys.store.JdbcFeatureStore;
import io.recsys.store.StoreUnavailableException;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes feature rows, interactions and item attributes to the feature store in batches: when a batch is full,
 * every {@code flushIntervalMs} (freshness), and before every checkpoint (so a completed checkpoint means every
 * row before it is in the store). Writes are idempotent upserts of absolute values, so the rows replayed after a
 * restore rewrite the same values: exact results without waiting for checkpoints to make writes visible.
 */
public class FeatureStoreSink implements Sink<StoreRecord> {

    private final String storeUrl;
    private final FeatureRegistry registry;
    private final int maxBatch;
    private final long flushIntervalMs;

    public FeatureStoreSink(String storeUrl, FeatureRegistry registry, int maxBatch, long flushIntervalMs) {
        this.storeUrl = storeUrl;
        this.registry = registry;
        this.maxBatch = maxBatch;
        this.flushIntervalMs = flushIntervalMs;
    }

    @Override
    public SinkWriter<StoreRecord> createWriter(WriterInitContext context) {
        return new Writer(JdbcFeatureStore.open(storeUrl, registry), context, maxBatch, flushIntervalMs);
    }

    static final class Writer implements SinkWriter<StoreRecord> {

        private static final int ATTEMPTS = 3;

        private final JdbcFeatureStore store;
        private final ProcessingTimeService time;
        private final int maxBatch;
        private final long flushIntervalMs;
        private final Counter rowsWritten;
        private final Counter writeRetries;
        private final Histogram batchMillis;
        private volatile long lastEventTime = Long.MIN_VALUE;
        private List<FeatureRow> rows = new ArrayList<>();
        private List<Interaction> interactions = new ArrayList<>();
        private List<ItemAttributes> items = new ArrayList<>();

        Writer(JdbcFeatureStore store, WriterInitContext context, int maxBatch, long flushIntervalMs) {
            this.store = store;
            this.time = context.getProcessingTimeService();
            this.maxBatch = maxBatch;
            this.flushIntervalMs = flushIntervalMs;
            this.rowsWritten = context.metricGroup().counter("store_rows_written");
            this.writeRetries = context.metricGroup().counter("store_write_retries");
            this.batchMillis = context.metricGroup().histogram("store_batch_write_ms",
                    new DescriptiveStatisticsHistogram(1_000));
            context.metricGroup().gauge("store_last_event_time_lag_ms",
                    () -> lastEventTime == Long.MIN_VALUE ? 0L : System.currentTimeMillis() - lastEventTime);
            scheduleFlush();
        }

        private void scheduleFlush() {
            time.registerTimer(time.getCurrentProcessingTime() + flushIntervalMs, timestamp -> {
                writeBatch();
                scheduleFlush();
            });
        }

        @Override
        public void write(StoreRecord record, Context context) throws IOException {
            if (record.row() != null) {
                rows.add(record.row());
            } else if (record.interaction() != null) {
                interactions.add(record.interaction());
            } else if (record.item() != null) {
                items.add(record.item());
            }
            if (rows.size() + interactions.size() + items.size() >= maxBatch) {
                writeBatch();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            writeBatch();
            try {
                store.makeDurable();
            } catch (StoreUnavailableException e) {
                throw new IOException("feature store could not make writes durable before a checkpoint", e);
            }
        }

        private void writeBatch() throws IOException {
            int size = rows.size() + interactions.size() + items.size();
            if (size == 0) {
                return;
            }
            long started = System.nanoTime();
            for (int attempt = 1; ; attempt++) {
                try {
                    store.write(rows, interactions, items);
                    break;
                } catch (StoreUnavailableException e) {
                    if (attempt == ATTEMPTS) {
                        // Failing the task restarts the job from its last checkpoint; the rows are replayed then.
                        throw new IOException("feature store write failed " + ATTEMPTS + " times; failing so the job"
                                + " restarts from its last checkpoint", e);
                    }
                    writeRetries.inc();
                    sleep(200L * attempt * attempt);
                }
            }
            batchMillis.update((System.nanoTime() - started) / 1_000_000);
            rowsWritten.inc(size);
            for (FeatureRow row : rows) {
                lastEventTime = Math.max(lastEventTime, row.ts());
            }
            rows = new ArrayList<>();
            interactions = new ArrayList<>();
            items = new ArrayList<>();
        }

        private static void sleep(long millis) throws IOException {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while retrying a feature store write", e);
            }
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
