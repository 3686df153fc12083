package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.RejectReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.EnumMap;
import java.util.Map;

/**
 * Lets valid events through; every invalid record goes to {@link #DEAD_LETTERS} with its reason and raw text and
 * is counted in {@code events_rejected{reason=…}}, so nothing disappears without a trace.
 */
public class ValidateEvents extends ProcessFunction<DecodedRecord, Event> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {
    };

    private transient Counter valid;
    private transient Map<RejectReason, Counter> rejected;

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        valid = metrics.counter("events_valid");
        rejected = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, metrics.addGroup("reason", reason.label()).counter("events_rejected"));
        }
    }

    @Override
    public void processElement(DecodedRecord record, Context ctx, Collector<Event> out) {
        if (record.event() != null) {
            valid.inc();
            out.collect(record.event());
        } else {
            rejected.get(record.rejection().reason()).inc();
            ctx.output(DEAD_LETTERS, DeadLetter.of(record.rejection().reason(), record.rejection().detail(),
                    record.raw(), ctx.timerService().currentProcessingTime()));
        }
    }
}
