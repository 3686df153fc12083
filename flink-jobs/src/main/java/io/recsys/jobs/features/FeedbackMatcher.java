package io.recsys.jobs.features;

import io.recsys.schema.event.Decoded;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventTimePolicy;
import io.recsys.schema.event.RejectReason;
import io.recsys.schema.feature.FeatureRegistry;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Keyed by user: decides what each feedback event answers before anything counts it, so that only trusted exposure
 * moves an item. Feedback is
 * <ul>
 *   <li>{@link Attribution#MATCHED} when its request id names a list shown to this same user that held this item,
 *       no longer than the attribution window before the feedback, and no feedback of its type by this user on this
 *       item was matched within the window before it (so one per request and item, and a user clicking one item
 *       over and over counts once);</li>
 *   <li>{@link Attribution#REPEATED} when it would match but such feedback was matched already;</li>
 *   <li>{@link Attribution#UNMATCHED} otherwise: stored, counted in {@code feedback_unmatched}, and counted only in
 *       the features of the registry's {@code unmatched_feedback_counts_for};</li>
 *   <li>dead-lettered with reason {@code feedback_rate} beyond the registry's bound per user and event-time minute.</li>
 * </ul>
 * Feedback whose list is not here yet waits until the watermark passes its time: every impression before it has
 * arrived by then (later ones are refused as late upstream), so the verdict does not depend on the order in which
 * partitions interleave, and a replay decides as the live run did. It waits at most the registry's
 * {@code max_out_of_orderness} of processing time, though: a quiet stream may not move the watermark for a long
 * time, and the click a user just made must not wait for the next user. (The API logs a list and takes the click on
 * it through different producers, so the click can land first.)
 */
public class FeedbackMatcher extends KeyedProcessFunction<String, Event, AttributedEvent> {

    private static final long MINUTE = 60_000L;

    private final long windowMillis;
    private final int maxPerMinute;
    private final Duration stateTtl;
    private final long maxWaitMillis;
    /** (request id, item) shown to this user → when. */
    private transient MapState<String, Long> shown;
    /** (item, feedback type) → when this user's last matched feedback of that type on that item happened. */
    private transient MapState<String, Long> lastMatched;
    /** {event-time minute, feedback accepted in it}. */
    private transient ValueState<long[]> minute;
    /** Feedback whose list had not arrived, encoded after the processing time it waits until at most. */
    private transient ListState<String> waiting;
    private transient Counter matched;
    private transient Counter unmatched;
    private transient Counter repeated;
    private transient Counter overRate;

    public FeedbackMatcher(FeatureRegistry registry) {
        this.windowMillis = registry.feedbackAttributionWindow().toMillis();
        this.maxPerMinute = registry.maxFeedbackPerUserMinute();
        this.stateTtl = registry.feedbackAttributionWindow();
        this.maxWaitMillis = registry.maxOutOfOrderness().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, Long> shownDescriptor = new MapStateDescriptor<>("shown", Types.STRING, Types.LONG);
        shownDescriptor.enableTimeToLive(StateExpiry.afterLastWrite(stateTtl));
        shown = getRuntimeContext().getMapState(shownDescriptor);
        MapStateDescriptor<String, Long> matchedDescriptor = new MapStateDescriptor<>("last-matched", Types.STRING,
                Types.LONG);
        matchedDescriptor.enableTimeToLive(StateExpiry.afterLastWrite(stateTtl));
        lastMatched = getRuntimeContext().getMapState(matchedDescriptor);
        ValueStateDescriptor<long[]> minuteDescriptor = new ValueStateDescriptor<>("feedback-minute",
                LongPrimitiveArraySerializer.INSTANCE);
        minuteDescriptor.enableTimeToLive(StateExpiry.afterLastWrite(Duration.ofMinutes(2)));
        minute = getRuntimeContext().getState(minuteDescriptor);
        waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting-feedback", Types.STRING));
        var metrics = getRuntimeContext().getMetricGroup();
        matched = metrics.counter("feedback_matched");
        unmatched = metrics.counter("feedback_unmatched");
        repeated = metrics.counter("feedback_repeated");
        overRate = metrics.addGroup("reason", RejectReason.FEEDBACK_RATE.label()).counter("events_rejected");
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<AttributedEvent> out) throws Exception {
        if (!event.type().isFeedback()) {
            shown.put(shownKey(event.requestId(), event.itemId()), event.eventTime());
            out.collect(new AttributedEvent(event, Attribution.SHOWN));
            return;
        }
        if (overRate(event)) {
            overRate.inc();
            ctx.output(ValidateEvents.DEAD_LETTERS, DeadLetter.of(RejectReason.FEEDBACK_RATE,
                    "user " + event.userId() + " gave more than " + maxPerMinute + " feedback events in the minute of "
                            + java.time.Instant.ofEpochMilli(event.eventTime()), EventCodec.encode(event),
                    ctx.timerService().currentProcessingTime()));
            return;
        }
        Long shownAt = shownAt(event);
        if (shownAt == null && event.requestId() != null
                && event.eventTime() > ctx.timerService().currentWatermark()) {
            long deadline = ctx.timerService().currentProcessingTime() + maxWaitMillis;
            waiting.add(deadline + "\t" + EventCodec.encode(event));
            ctx.timerService().registerEventTimeTimer(event.eventTime());
            ctx.timerService().registerProcessingTimeTimer(deadline);
            return;
        }
        out.collect(attribute(event, shownAt));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AttributedEvent> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        long now = ctx.timerService().currentProcessingTime();
        List<String> later = new ArrayList<>();
        for (String entry : waiting.get()) {
            int tab = entry.indexOf('\t');
            Event event = decode(entry.substring(tab + 1));
            if (event.eventTime() <= watermark || Long.parseLong(entry.substring(0, tab)) <= now) {
                out.collect(attribute(event, shownAt(event)));
            } else {
                later.add(entry);
            }
        }
        waiting.update(later);
    }

    private Attribution verdict(Event event, Long shownAt) throws Exception {
        if (shownAt == null) {
            return Attribution.UNMATCHED;
        }
        String key = event.itemId() + '\n' + event.type().wireName();
        Long before = lastMatched.get(key);
        if (before != null && Math.abs(event.eventTime() - before) < windowMillis) {
            return Attribution.REPEATED;
        }
        lastMatched.put(key, event.eventTime());
        return Attribution.MATCHED;
    }

    private AttributedEvent attribute(Event event, Long shownAt) throws Exception {
        Attribution attribution = verdict(event, shownAt);
        switch (attribution) {
            case MATCHED -> matched.inc();
            case REPEATED -> repeated.inc();
            default -> unmatched.inc();
        }
        return new AttributedEvent(event, attribution);
    }

    /** When the list the feedback names showed its item to this user, if within the window before it. */
    private Long shownAt(Event feedback) throws Exception {
        if (feedback.requestId() == null) {
            return null;
        }
        Long at = shown.get(shownKey(feedback.requestId(), feedback.itemId()));
        long t = feedback.eventTime();
        return at != null && at <= t && t - at <= windowMillis ? at : null;
    }

    private boolean overRate(Event feedback) throws Exception {
        long m = Math.floorDiv(feedback.eventTime(), MINUTE);
        long[] current = minute.value();
        if (current == null || current[0] != m) {
            current = new long[]{m, 0};
        }
        if (current[1] >= maxPerMinute) {
            return true;
        }
        current[1]++;
        minute.update(current);
        return false;
    }

    private static String shownKey(String requestId, String itemId) {
        return requestId + '\n' + itemId;
    }

    private static Event decode(String encoded) {
        // valid when it arrived, so valid now: the policy's only moving bound (the future) has moved further away
        Decoded decoded = EventCodec.decode(encoded, EventTimePolicy.DEFAULT, Clock.systemUTC());
        if (!decoded.isValid()) {
            throw new IllegalStateException("waiting feedback no longer decodes: " + decoded.rejection());
        }
        return decoded.event();
    }
}
