package io.recsys.jobs.features;

import io.recsys.schema.event.Decoded;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventTimePolicy;
import io.recsys.schema.event.RejectReason;
import io.recsys.schema.feature.FeatureRegistry;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Keyed by user: decides what each feedback event answers before anything counts it, so that only trusted exposure
 * moves an item. Feedback is
 * <ul>
 *   <li>{@link Attribution#MATCHED} when its request id names a list shown to this same user that held this item,
 *       no longer than the attribution window before the feedback and among the user's last
 *       {@code max_lists_per_user} lists, and no feedback of its type by this user on this
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
 *
 * <p>Each user's {@link UserExposure} is one state value, kept decoded on the heap for the users seen last
 * ({@link DecodedStateCache}) and written back when evicted and before each checkpoint: recording every impression
 * as a RocksDB write cost the job ~30% of its throughput (docs/benchmarks.md).
 */
public class FeedbackMatcher extends AbstractStreamOperator<AttributedEvent>
        implements OneInputStreamOperator<Event, AttributedEvent>, Triggerable<String, VoidNamespace> {

    /** Users kept decoded per subtask; each holds a few numbers per impression of the attribution window. */
    static final int CACHED_USERS = 20_000;
    /** Lists and matches are forgotten this long after the attribution window, past any lateness the job admits. */
    private static final long FORGET_MARGIN_MILLIS = 60_000;

    private final long windowMillis;
    private final int maxPerMinute;
    private final int maxLists;
    private final long maxWaitMillis;
    private transient ValueState<byte[]> exposureState;
    private transient DecodedStateCache<UserExposure> exposures;
    /** Feedback whose list had not arrived, encoded after the processing time it waits until at most. */
    private transient ListState<String> waiting;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient Counter matched;
    private transient Counter unmatched;
    private transient Counter repeated;
    private transient Counter overRate;

    public FeedbackMatcher(FeatureRegistry registry) {
        this.windowMillis = registry.feedbackAttributionWindow().toMillis();
        this.maxPerMinute = registry.maxFeedbackPerUserMinute();
        this.maxLists = registry.maxListsPerUser();
        this.maxWaitMillis = registry.maxOutOfOrderness().toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        ValueStateDescriptor<byte[]> descriptor = new ValueStateDescriptor<>("exposure",
                BytePrimitiveArraySerializer.INSTANCE);
        descriptor.enableTimeToLive(StateExpiry.afterLastWrite(
                Duration.ofMillis(windowMillis + FORGET_MARGIN_MILLIS)));
        exposureState = getPartitionedState(descriptor);
        exposures = new DecodedStateCache<>(CACHED_USERS, this, UserExposure::decode, this::encodeRecent);
        waiting = getPartitionedState(new ListStateDescriptor<>("waiting-feedback", Types.STRING));
        timers = getInternalTimerService("feedback-wait", VoidNamespaceSerializer.INSTANCE, this);
        var metrics = getMetricGroup();
        matched = metrics.counter("feedback_matched");
        unmatched = metrics.counter("feedback_unmatched");
        repeated = metrics.counter("feedback_repeated");
        overRate = metrics.addGroup("reason", RejectReason.FEEDBACK_RATE.label()).counter("events_rejected");
    }

    private UserExposure exposureOfCurrentUser() throws Exception {
        return exposures.get(getCurrentKey(), exposureState);
    }

    /** Forgets what nothing can answer or repeat any more before it is stored. */
    private byte[] encodeRecent(UserExposure exposure) {
        exposure.forgetBefore(exposure.newest() - windowMillis - FORGET_MARGIN_MILLIS);
        return exposure.encode();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        exposures.writeBackChanged();
    }

    @Override
    public void processElement(StreamRecord<Event> element) throws Exception {
        Event event = element.getValue();
        UserExposure exposure = exposureOfCurrentUser();
        exposures.changed(getCurrentKey());
        if (!event.type().isFeedback()) {
            exposure.show(event.requestId(), event.itemId(), event.eventTime(), maxLists);
            emit(event, Attribution.SHOWN);
            return;
        }
        if (!exposure.admitFeedback(event.eventTime(), maxPerMinute)) {
            overRate.inc();
            output.collect(ValidateEvents.DEAD_LETTERS, new StreamRecord<>(DeadLetter.of(RejectReason.FEEDBACK_RATE,
                    "user " + event.userId() + " gave more than " + maxPerMinute + " feedback events in the minute of "
                            + Instant.ofEpochMilli(event.eventTime()), EventCodec.encode(event),
                    getProcessingTimeService().getCurrentProcessingTime())));
            return;
        }
        Long shownAt = shownAt(exposure, event);
        if (shownAt == null && event.requestId() != null && event.eventTime() > timers.currentWatermark()) {
            long deadline = timers.currentProcessingTime() + maxWaitMillis;
            waiting.add(deadline + "\t" + EventCodec.encode(event));
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, event.eventTime());
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, deadline);
            return;
        }
        decide(exposure, event, shownAt);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        decideWaiting();
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        decideWaiting();
    }

    /** Decides the current user's waiting feedback that the watermark has passed or that waited long enough. */
    private void decideWaiting() throws Exception {
        Iterable<String> entries = waiting.get();
        if (entries == null) {
            return; // each waiting event has two timers: the other one decided it already
        }
        long watermark = timers.currentWatermark();
        long now = timers.currentProcessingTime();
        List<String> later = new ArrayList<>();
        UserExposure exposure = null;
        for (String entry : entries) {
            int tab = entry.indexOf('\t');
            Event event = decode(entry.substring(tab + 1));
            if (event.eventTime() <= watermark || Long.parseLong(entry.substring(0, tab)) <= now) {
                if (exposure == null) {
                    exposure = exposureOfCurrentUser();
                    exposures.changed(getCurrentKey());
                }
                decide(exposure, event, shownAt(exposure, event));
            } else {
                later.add(entry);
            }
        }
        waiting.update(later);
    }

    private void decide(UserExposure exposure, Event event, Long shownAt) {
        Attribution attribution = shownAt == null ? Attribution.UNMATCHED
                : exposure.matchOrRepeat(event.itemId(), event.type(), event.eventTime(), windowMillis);
        switch (attribution) {
            case MATCHED -> matched.inc();
            case REPEATED -> repeated.inc();
            default -> unmatched.inc();
        }
        emit(event, attribution);
    }

    private void emit(Event event, Attribution attribution) {
        output.collect(new StreamRecord<>(new AttributedEvent(event, attribution), event.eventTime()));
    }

    /** When the list the feedback names showed its item to this user, if within the window before it. */
    private Long shownAt(UserExposure exposure, Event feedback) {
        if (feedback.requestId() == null) {
            return null;
        }
        long t = feedback.eventTime();
        Long at = exposure.shownAt(feedback.requestId(), feedback.itemId(), t);
        return at != null && t - at <= windowMillis ? at : null;
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
