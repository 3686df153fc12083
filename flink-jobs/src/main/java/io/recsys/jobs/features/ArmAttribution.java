package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.event.ExperimentArm;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Keyed by request id: counts impressions and clicks per experiment arm, so each arm's CTR comes out of the job as
 * the counters {@code impressions} and {@code clicks} in the metric group {@code arm=<arm>} (Prometheus:
 * {@code flink_taskmanager_job_task_operator_arm_impressions{arm}} and {@code ..._arm_clicks{arm}}). Impressions
 * carry their arm; a click carries only the request id, so the arm of the request's impressions is remembered for {@code attributionWindow}.
 * A click whose request showed no arm within that window is counted in {@code arm_clicks_unattributed}.
 */
public class ArmAttribution extends KeyedProcessFunction<String, Event, Void> {

    /** Arms are labels of a metric: beyond this many per subtask, the rest are counted as arm "other". */
    static final int MAX_ARMS = 20;
    static final String OTHER_ARM = "other";

    private final Duration attributionWindow;
    private transient ValueState<String> armOfRequest;
    private transient Map<String, Counter> impressionsByArm;
    private transient Map<String, Counter> clicksByArm;
    private transient Counter unattributed;

    public ArmAttribution(Duration attributionWindow) {
        this.attributionWindow = attributionWindow;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<String> descriptor = new ValueStateDescriptor<>("arm", String.class);
        descriptor.enableTimeToLive(StateExpiry.afterLastWrite(attributionWindow));
        armOfRequest = getRuntimeContext().getState(descriptor);
        impressionsByArm = new HashMap<>();
        clicksByArm = new HashMap<>();
        unattributed = getRuntimeContext().getMetricGroup().counter("arm_clicks_unattributed");
        // The API's arms exist at 0 from the start, so a per-arm panel shows 0 before the first list rather than
        // nothing; arms other producers name appear with their first impression.
        for (ExperimentArm arm : ExperimentArm.values()) {
            counter(impressionsByArm, "impressions", arm.label());
            counter(clicksByArm, "clicks", arm.label());
        }
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Void> out) throws Exception {
        if (event.type() == EventType.IMPRESSION) {
            String arm = event.experimentArm();
            if (arm != null) {
                if (armOfRequest.value() == null) {
                    armOfRequest.update(arm);
                }
                counter(impressionsByArm, "impressions", arm).inc();
            }
        } else if (event.type() == EventType.CLICK) {
            String arm = armOfRequest.value();
            if (arm == null) {
                unattributed.inc();
            } else {
                counter(clicksByArm, "clicks", arm).inc();
            }
        }
    }

    private Counter counter(Map<String, Counter> byArm, String name, String arm) {
        String label = byArm.containsKey(arm) || byArm.size() < MAX_ARMS ? arm : OTHER_ARM;
        return byArm.computeIfAbsent(label,
                a -> getRuntimeContext().getMetricGroup().addGroup("arm", a).counter(name));
    }

    /** What a counter of this subtask holds: {@code impressions} or {@code clicks} of one arm. */
    long count(String name, String arm) {
        Counter counter = ("impressions".equals(name) ? impressionsByArm : clicksByArm).get(arm);
        return counter == null ? 0 : counter.getCount();
    }

    /** The arms this subtask has a counter {@code name} for, each exported from its creation on. */
    Set<String> armsExported(String name) {
        return Set.copyOf(("impressions".equals(name) ? impressionsByArm : clicksByArm).keySet());
    }

    long unattributedClicks() {
        return unattributed.getCount();
    }

    /**
     * Impressions with an arm, and clicks that answer a list shown to their user; everything else has no arm to
     * count, or must not move an arm's CTR.
     */
    static boolean attributable(CategorizedEvent categorized) {
        Event event = categorized.event();
        return event.requestId() != null
                && (event.type() == EventType.CLICK && categorized.attribution() == Attribution.MATCHED
                || event.type() == EventType.IMPRESSION && event.experimentArm() != null);
    }
}
