package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.RejectReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by event id: passes the first event with an id and sends any later one to the dead-letter output (reason
 * {@code duplicate}), so a client that retries a send is counted once.
 *
 * <p>An id is remembered only until the watermark passes its event time: from then on a copy is refused upstream as
 * {@code late}, so it cannot be counted either. The state is thus a few seconds of events (the out-of-orderness
 * bound), whatever the rate, instead of every id ever seen.
 */
public class DropDuplicateEvents extends KeyedProcessFunction<String, Event, Event> {

    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Boolean.class));
        duplicates = getRuntimeContext().getMetricGroup().addGroup("reason", RejectReason.DUPLICATE.label())
                .counter("events_rejected");
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            ctx.output(ValidateEvents.DEAD_LETTERS, DeadLetter.of(RejectReason.DUPLICATE,
                    "event_id " + event.eventId() + " was already counted", EventCodec.encode(event),
                    ctx.timerService().currentProcessingTime()));
            return;
        }
        seen.update(Boolean.TRUE);
        ctx.timerService().registerEventTimeTimer(event.eventTime());
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) {
        seen.clear();
    }
}
