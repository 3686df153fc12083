package io.recsys.jobs.features;

import io.recsys.schema.event.Decoded;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventTimePolicy;
import io.recsys.schema.event.RejectReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/**
 * Parses and validates raw records. Valid events go on; every invalid one goes to {@link #DEAD_LETTERS} with its
 * reason and is counted in {@code events_rejected{reason=…}}, so nothing disappears without a trace.
 */
public class ValidateEvents extends ProcessFunction<String, Event> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {
    };

    private final EventTimePolicy timePolicy;
    private transient Clock clock;
    private transient Counter valid;
    private transient Map<RejectReason, Counter> rejected;

    public ValidateEvents(EventTimePolicy timePolicy) {
        this.timePolicy = timePolicy;
    }

    @Override
    public void open(OpenContext openContext) {
        clock = Clock.systemUTC();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        valid = metrics.counter("events_valid");
        rejected = rejectionCounters(metrics);
    }

    static Map<RejectReason, Counter> rejectionCounters(MetricGroup metrics) {
        Map<RejectReason, Counter> counters = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            counters.put(reason, metrics.addGroup("reason", reason.label()).counter("events_rejected"));
        }
        return counters;
    }

    @Override
    public void processElement(String raw, Context ctx, Collector<Event> out) {
        Decoded decoded = EventCodec.decode(raw, timePolicy, clock);
        if (decoded.isValid()) {
            valid.inc();
            out.collect(decoded.event());
        } else {
            rejected.get(decoded.rejection().reason()).inc();
            ctx.output(DEAD_LETTERS, DeadLetter.of(decoded.rejection().reason(), decoded.rejection().detail(), raw,
                    clock.millis()));
        }
    }
}
