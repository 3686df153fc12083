package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.RejectReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sends events at or behind the watermark to the dead-letter output (reason {@code late}) and counts them.
 * Counters downstream fold everything up to the watermark into a final value, so an event behind it could no
 * longer be counted exactly; refusing it visibly is the honest alternative to silently miscounting.
 */
public class DropLateEvents extends ProcessFunction<Event, Event> {

    private transient Counter late;

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().addGroup("reason", RejectReason.LATE.label())
                .counter("events_rejected");
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Event> out) {
        long watermark = ctx.timerService().currentWatermark();
        if (event.eventTime() <= watermark) {
            late.inc();
            ctx.output(ValidateEvents.DEAD_LETTERS, DeadLetter.of(RejectReason.LATE,
                    "event_time " + java.time.Instant.ofEpochMilli(event.eventTime()) + " is at or behind the watermark "
                            + java.time.Instant.ofEpochMilli(watermark), EventCodec.encode(event),
                    ctx.timerService().currentProcessingTime()));
        } else {
            out.collect(event);
        }
    }
}
