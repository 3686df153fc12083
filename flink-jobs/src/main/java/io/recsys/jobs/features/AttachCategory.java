package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.ItemAttributes;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by item: remembers each item's category from the catalogue stream and attaches it to the item's events,
 * so user × category features can be counted downstream.
 */
public class AttachCategory extends KeyedCoProcessFunction<String, Event, ItemAttributes, CategorizedEvent> {

    private transient ValueState<String> category;

    @Override
    public void open(OpenContext openContext) {
        category = getRuntimeContext().getState(new ValueStateDescriptor<>("category", String.class));
    }

    @Override
    public void processElement1(Event event, Context ctx, Collector<CategorizedEvent> out) throws Exception {
        out.collect(new CategorizedEvent(event, category.value()));
    }

    @Override
    public void processElement2(ItemAttributes item, Context ctx, Collector<CategorizedEvent> out) throws Exception {
        category.update(item.category());
    }
}
