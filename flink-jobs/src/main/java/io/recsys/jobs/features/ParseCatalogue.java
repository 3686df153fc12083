package io.recsys.jobs.features;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.event.RejectReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Parses catalogue records; a bad one goes to the dead letters like a bad event. */
public class ParseCatalogue extends ProcessFunction<String, ItemAttributes> {

    private transient Counter rejected;

    @Override
    public void open(OpenContext openContext) {
        rejected = getRuntimeContext().getMetricGroup().counter("catalogue_rejected");
    }

    @Override
    public void processElement(String raw, Context ctx, Collector<ItemAttributes> out) {
        try {
            out.collect(ItemAttributes.fromJson(raw));
        } catch (IllegalArgumentException e) {
            rejected.inc();
            ctx.output(ValidateEvents.DEAD_LETTERS, DeadLetter.of(RejectReason.INVALID_FIELD, e.getMessage(), raw,
                    ctx.timerService().currentProcessingTime()));
        }
    }
}
