package io.recsys.jobs.features;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * An operator that holds records on the heap and lets them out in {@link #flush}: every {@code flushIntervalMs} of
 * processing time (freshness), before every watermark (so nothing it emits, and no timer it fires, comes behind the
 * watermark), and before every checkpoint barrier (so what it holds needs no state). Subclasses flush at the end of
 * input too.
 */
abstract class BufferingOperator<OUT> extends AbstractStreamOperator<OUT> {

    private final long flushIntervalMs;

    BufferingOperator(long flushIntervalMs) {
        this.flushIntervalMs = flushIntervalMs;
    }

    /** Lets out everything held. */
    abstract void flush() throws Exception;

    @Override
    public void open() throws Exception {
        super.open();
        scheduleFlush();
    }

    private void scheduleFlush() {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + flushIntervalMs, timestamp -> {
            flush();
            scheduleFlush();
        });
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }
}
