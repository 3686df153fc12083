package io.recsys.jobs.features;

import io.recsys.kafka.KafkaConnection;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureSegment;
import io.recsys.schema.feature.Interaction;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.FeatureWriter;
import io.recsys.store.StoreUnavailableException;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Writes heads, final segments, interactions and item attributes to the feature store in batches (each entity's
 * head once per batch, however many events moved it): when a batch is full,
 * every {@code flushIntervalMs} (freshness), and before every checkpoint (so a completed checkpoint means every
 * row before it is in the store). Writes are idempotent upserts of absolute values, so the rows replayed after a
 * restore rewrite the same values: exact results without waiting for checkpoints to make writes visible. The first
 * subtask also deletes, every {@link #RETENTION_EVERY}, log rows and interactions older than the registry's
 * retention (counted in {@code store_rows_retired}), so the store does not grow for ever.
 *
 * <p>With a change topic, each committed write's entities go there too ({@link FeatureChanges}), so API replicas
 * learn what to re-read without scanning the store (docs/operations.md, "Where the replicas stop").
 */
public class FeatureStoreSink implements Sink<StoreRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureStoreSink.class);

    /** How often retention runs, in processing time, on the writer that runs it. */
    static final Duration RETENTION_EVERY = Duration.ofMinutes(10);

    private final String storeUrl;
    private final FeatureRegistry registry;
    private final int maxBatch;
    private final long flushIntervalMs;
    private final KafkaConnection changesKafka;
    private final String changesTopic;

    public FeatureStoreSink(String storeUrl, FeatureRegistry registry, int maxBatch, long flushIntervalMs) {
        this(storeUrl, registry, maxBatch, flushIntervalMs, null, null);
    }

    /** @param changesKafka Kafka to publish each write's changed entities to, on {@code changesTopic}; null: none */
    public FeatureStoreSink(String storeUrl, FeatureRegistry registry, int maxBatch, long flushIntervalMs,
                            KafkaConnection changesKafka, String changesTopic) {
        this.storeUrl = storeUrl;
        this.registry = registry;
        this.maxBatch = maxBatch;
        this.flushIntervalMs = flushIntervalMs;
        this.changesKafka = changesKafka;
        this.changesTopic = changesTopic;
    }

    @Override
    public SinkWriter<StoreRecord> createWriter(WriterInitContext context) {
        // One writer keeps the store within the registry's retention: the first subtask, once it writes segments.
        Duration retention = context.getTaskInfo().getIndexOfThisSubtask() == 0 ? registry.retention() : null;
        ChangePublisher changes = changesKafka == null ? null
                : new ChangePublisher(changesKafka, changesTopic, context.metricGroup());
        return new Writer(FeatureStores.open(storeUrl, registry), context, maxBatch, flushIntervalMs, retention,
                changes);
    }

    /**
     * Batches are written by a thread of the writer's own, so the task goes on counting while the database commits
     * one: waiting on the database used to take a third of the counting thread's time (docs/benchmarks.md). One
     * batch is in flight at a time while the next fills; a full batch waits for the one before it, which is the
     * back-pressure.
     */
    static final class Writer implements SinkWriter<StoreRecord> {

        private static final int ATTEMPTS = 3;

        private final FeatureStore store;
        private final FeatureWriter writer;
        private final ProcessingTimeService time;
        private final int maxBatch;
        private final long flushIntervalMs;
        private final Counter rowsWritten;
        private final Counter writeRetries;
        private final Histogram batchMillis;
        private final Counter rowsRetired;
        private final Duration retention;
        private final ChangePublisher changes;
        private long lastRetention = System.currentTimeMillis();
        private final ExecutorService writing;
        private Future<?> inFlight;
        private volatile long lastEventTime = Long.MIN_VALUE;
        private Batch filling = new Batch();

        /** Rows gathered for one write; handed whole to the writing thread, never touched again by the task. */
        private static final class Batch {
            final List<FeatureSegment> segments = new ArrayList<>();
            final List<FeatureRow> heads = new ArrayList<>();
            final List<Interaction> interactions = new ArrayList<>();
            final List<ItemAttributes> items = new ArrayList<>();

            int size() {
                return segments.size() + heads.size() + interactions.size() + items.size();
            }
        }

        /** @param retention how long log rows and interactions are kept, in event time; null: not by this writer */
        Writer(FeatureStore store, WriterInitContext context, int maxBatch, long flushIntervalMs,
               Duration retention, ChangePublisher changes) {
            this.store = store;
            this.writer = store.writer();
            this.changes = changes;
            this.time = context.getProcessingTimeService();
            this.maxBatch = maxBatch;
            this.flushIntervalMs = flushIntervalMs;
            this.rowsWritten = context.metricGroup().counter("store_rows_written");
            this.writeRetries = context.metricGroup().counter("store_write_retries");
            this.batchMillis = context.metricGroup().histogram("store_batch_write_ms",
                    new DescriptiveStatisticsHistogram(1_000));
            this.rowsRetired = context.metricGroup().counter("store_rows_retired");
            this.retention = retention;
            context.metricGroup().gauge("store_last_event_time_lag_ms",
                    () -> lastEventTime == Long.MIN_VALUE ? 0L : System.currentTimeMillis() - lastEventTime);
            String task = context.getTaskInfo().getTaskNameWithSubtasks();
            this.writing = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "feature-store-writer " + task);
                thread.setDaemon(true);
                return thread;
            });
            scheduleFlush();
        }

        private void scheduleFlush() {
            time.registerTimer(time.getCurrentProcessingTime() + flushIntervalMs, timestamp -> {
                handOver();
                scheduleFlush();
            });
        }

        @Override
        public void write(StoreRecord record, Context context) throws IOException {
            if (record.head() != null) {
                filling.heads.add(record.head());
            } else if (record.segment() != null) {
                filling.segments.add(record.segment());
            } else if (record.interaction() != null) {
                filling.interactions.add(record.interaction());
            } else if (record.item() != null) {
                filling.items.add(record.item());
            }
            if (filling.size() >= maxBatch) {
                handOver();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            handOver();
            awaitInFlight();
            try {
                writer.makeDurable();
            } catch (StoreUnavailableException e) {
                throw new IOException("feature store could not make writes durable before a checkpoint", e);
            }
        }

        /** Gives the filling batch to the writing thread once the batch before it is written. */
        private void handOver() throws IOException {
            if (filling.size() == 0) {
                return;
            }
            awaitInFlight();
            Batch batch = filling;
            filling = new Batch();
            inFlight = writing.submit(() -> {
                writeBatch(batch);
                return null;
            });
        }

        private void awaitInFlight() throws IOException {
            if (inFlight == null) {
                return;
            }
            try {
                inFlight.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a feature store write", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io
                        : new IOException("feature store write failed: " + e.getCause().getMessage(), e.getCause());
            } finally {
                inFlight = null;
            }
        }

        private void writeBatch(Batch batch) throws IOException {
            long started = System.nanoTime();
            for (int attempt = 1; ; attempt++) {
                try {
                    writer.write(batch.segments, batch.heads, batch.interactions, batch.items);
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
            rowsWritten.inc(batch.size());
            if (changes != null && !batch.heads.isEmpty()) {
                changes.publish(batch.heads);
            }
            long newest = lastEventTime;
            for (FeatureRow row : batch.heads) {
                newest = Math.max(newest, row.ts());
            }
            for (FeatureSegment segment : batch.segments) {
                newest = Math.max(newest, segment.lastTs());
            }
            lastEventTime = newest;
            if (retention != null && !batch.segments.isEmpty()
                    && System.currentTimeMillis() - lastRetention >= RETENTION_EVERY.toMillis()) {
                lastRetention = System.currentTimeMillis();
                retire(newest - retention.toMillis());
            }
        }

        /**
         * Deletes what is older than the retention, measured back from the newest event time written (not the wall
         * clock, so a replay of old data keeps its own history). A failure is retried at the next run: it only
         * delays retention.
         */
        private void retire(long cutoff) {
            try {
                rowsRetired.inc(store.retention().deleteBefore(cutoff));
            } catch (StoreUnavailableException e) {
                LOG.warn("retention before {} failed; retried in {}", Instant.ofEpochMilli(cutoff),
                        RETENTION_EVERY, e);
            }
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
        public void close() throws Exception {
            try {
                writing.shutdownNow();
                writing.awaitTermination(30, TimeUnit.SECONDS);
            } finally {
                try {
                    if (changes != null) {
                        changes.close();
                    }
                } finally {
                    store.close();
                }
            }
        }
    }
}
