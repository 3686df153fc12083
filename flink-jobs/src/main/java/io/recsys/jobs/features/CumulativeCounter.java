package io.recsys.jobs.features;

import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;

/**
 * Keyed by entity (users, user × category pairs, the global entity; items are counted by {@link ItemCounter}):
 * keeps each entity's cumulative counters, emitting its head after every batch of its events and its final
 * segments as the watermark passes them ({@link EntityCountingOperator}).
 *
 * <p>Per-user state (user and user × category keys) expires after {@code userStateTtl} without an event, so the
 * state of users who left does not grow for ever. A returning user's counters start a new series; its rows carry
 * a new {@code firstSeen}, which tells the store's window arithmetic not to subtract rows of the old series (see
 * {@code FeatureDerivation.window}). Global state never expires: its all-time features depend on it.
 */
public class CumulativeCounter extends EntityCountingOperator<CountedEvent>
        implements OneInputStreamOperator<CountedEvent, StoreRecord>, BoundedOneInput {

    /** The global job parameter that overrides the registry's user state TTL, e.g. in flink-conf/config.yaml. */
    public static final String USER_STATE_TTL_PARAMETER = "recsys.user-state-ttl";

    private final Duration userStateTtl;
    private transient ValueState<byte[]> lasting;
    private transient ValueState<byte[]> expiring;

    /** @param userStateTtl how long per-user state lives without an event; zero keeps it for ever */
    public CumulativeCounter(double halfLifeMillis, Duration userStateTtl, long flushIntervalMs, int maxBuffered) {
        super(halfLifeMillis, flushIntervalMs, maxBuffered);
        this.userStateTtl = userStateTtl;
    }

    @Override
    public void open() throws Exception {
        super.open();
        lasting = getPartitionedState(new ValueStateDescriptor<>("entity", BytePrimitiveArraySerializer.INSTANCE));
        String configured = getRuntimeContext().getGlobalJobParameters().get(USER_STATE_TTL_PARAMETER);
        Duration ttl = configured == null ? userStateTtl : TimeUtils.parseDuration(configured);
        if (ttl.isZero()) {
            expiring = lasting;
        } else {
            ValueStateDescriptor<byte[]> descriptor = new ValueStateDescriptor<>("user-entity",
                    BytePrimitiveArraySerializer.INSTANCE);
            descriptor.enableTimeToLive(StateExpiry.afterLastWrite(ttl));
            expiring = getPartitionedState(descriptor);
        }
    }

    @Override
    public void processElement(StreamRecord<CountedEvent> element) throws Exception {
        hold(element.getValue());
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    EntityKey entityOf(String key) {
        return new EntityKey(CountedEvent.typeOfStateKey(key), CountedEvent.idOfStateKey(key));
    }

    /** Per-user state may expire, the rest may not. */
    @Override
    ValueState<byte[]> stateOf(EntityType type) {
        return type == EntityType.USER || type == EntityType.USER_CATEGORY ? expiring : lasting;
    }

    @Override
    long timeOf(CountedEvent event) {
        return event.ts();
    }

    @Override
    Delta deltaOf(CountedEvent event) {
        return event.delta();
    }

    @Override
    String eventIdOf(CountedEvent event) {
        return null;
    }
}
