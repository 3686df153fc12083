package io.recsys.jobs.features;

import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.EntityKey;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.Map;
import java.util.TreeMap;

/**
 * Sums the global entity's deltas per instant before they are keyed: every event counts towards the one global
 * key, so without this one subtask would handle one record per event however large the parallelism. Buffered
 * sums leave before every watermark (so none arrives behind it), before every checkpoint barrier (so the buffer
 * needs no state), at the end of input, and every {@code flushIntervalMs} (freshness).
 */
public class GlobalPreAggregation extends BufferingOperator<CountedEvent>
        implements OneInputStreamOperator<CountedEvent, CountedEvent>, BoundedOneInput {

    private transient Map<Long, Delta> buffered;

    public GlobalPreAggregation(long flushIntervalMs) {
        super(flushIntervalMs);
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffered = new TreeMap<>();
    }

    @Override
    public void processElement(StreamRecord<CountedEvent> element) {
        CountedEvent event = element.getValue();
        if (event.entityType() == EntityType.GLOBAL) {
            buffered.merge(event.ts(), event.delta(), Delta::plus);
        } else {
            output.collect(element);
        }
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    void flush() {
        for (Map.Entry<Long, Delta> entry : buffered.entrySet()) {
            output.collect(new StreamRecord<>(new CountedEvent(EntityType.GLOBAL, EntityKey.GLOBAL_ID, entry.getKey(),
                    entry.getValue()), entry.getKey()));
        }
        buffered.clear();
    }
}
