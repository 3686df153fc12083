package io.recsys.jobs.features;

import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityType;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecodedStateCacheTest {

    private static final Delta IMPRESSION = new Delta(1, 0, 0, 0, 0, 0.0);

    /** Keyed state as the operator sees it: one value per key, scoped by the current key. */
    private final Map<Object, byte[]> stored = new HashMap<>();
    private Object currentKey;
    private final List<Object> writtenBack = new ArrayList<>();
    private final ValueState<byte[]> state = new ValueState<>() {
        @Override
        public byte[] value() {
            return stored.get(currentKey);
        }

        @Override
        public void update(byte[] value) {
            stored.put(currentKey, value);
            writtenBack.add(currentKey);
        }

        @Override
        public void clear() {
            stored.remove(currentKey);
        }
    };

    /** The operator's key context, which the cache switches to write a value back under its own key. */
    private final KeyContext keys = new KeyContext() {
        @Override
        public void setCurrentKey(Object key) {
            currentKey = key;
        }

        @Override
        public Object getCurrentKey() {
            return currentKey;
        }
    };

    private final DecodedStateCache<EntityCounters> cache = new DecodedStateCache<>(2, keys, EntityCounters::decode,
            EntityCounters::encode);

    private EntityCounters get(String key) throws Exception {
        currentKey = key;
        return cache.get(key, state);
    }

    private void count(String key, long ts) throws Exception {
        get(key).add(ts, IMPRESSION, null, 3_600_000);
        cache.changed(key);
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedEntityAndWriteItBackOnlyIfItChanged() throws Exception {
        count("a", 1);
        get("b");
        get("a");
        get("c"); // evicts b, untouched
        assertThat(writtenBack).isEmpty();

        get("d"); // evicts a, changed
        assertThat(writtenBack).containsExactly("a");
        assertThat(EntityCounters.decode(stored.get("a")).head(EntityType.ITEM, "a").ts())
                .isEqualTo(1);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void shouldReadBackWhatAnEvictionWroteSoNoCountIsLost() throws Exception {
        count("a", 1);
        get("b");
        get("c");
        count("a", 2);

        assertThat(get("a").head(EntityType.ITEM, "a").counters().impressions())
                .isEqualTo(2);
    }

    @Test
    void shouldWriteEveryChangedEntityBackBeforeACheckpointAndKeepItDecoded() throws Exception {
        count("a", 1);
        get("b");

        cache.writeBackChanged();

        assertThat(writtenBack).containsExactly("a");
        assertThat(stored).containsOnlyKeys("a");
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void shouldWriteBackOnlyWhatChangedSinceTheLastCheckpoint() throws Exception {
        count("a", 1);
        count("b", 1);
        cache.writeBackChanged();
        writtenBack.clear();

        count("b", 2);
        cache.writeBackChanged();

        assertThat(writtenBack).containsExactly("b");
        assertThat(EntityCounters.decode(stored.get("b")).head(EntityType.ITEM, "b").counters().impressions())
                .isEqualTo(2);
    }

    @Test
    void shouldForgetAtACheckpointWhatNothingUsedSinceThePreviousOne() throws Exception {
        count("a", 1);
        get("b");
        cache.writeBackChanged();

        get("b");
        cache.writeBackChanged();

        assertThat(cache.size()).as("b was used since the first checkpoint, a was not").isEqualTo(1);
        assertThat(get("a").head(EntityType.ITEM, "a").ts()).as("a is read back from state").isEqualTo(1);
    }

    @Test
    void shouldRefuseAChangeToAnEntityItDoesNotHold() {
        assertThatThrownBy(() -> cache.changed("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not in the cache");
    }
}
