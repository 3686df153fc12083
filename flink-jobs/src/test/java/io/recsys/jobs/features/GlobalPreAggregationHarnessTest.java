package io.recsys.jobs.features;

import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GlobalPreAggregationHarnessTest {

    private static final Delta IMPRESSION = new Delta(1, 0, 0, 0, 0, 1.0);

    private static CountedEvent global(long ts) {
        return new CountedEvent(EntityType.GLOBAL, EntityKey.GLOBAL_ID, ts, IMPRESSION);
    }

    @Test
    void shouldPassOtherEntitiesThroughAndEmitSummedGlobalDeltasBeforeTheWatermark() throws Exception {
        try (OneInputStreamOperatorTestHarness<CountedEvent, CountedEvent> harness =
                     new OneInputStreamOperatorTestHarness<>(new GlobalPreAggregation(60_000))) {
            harness.open();
            harness.processElement(global(5), 5);
            harness.processElement(new CountedEvent(EntityType.ITEM, "i1", 5, IMPRESSION), 5);
            harness.processElement(global(5), 5);
            harness.processElement(global(7), 7);
            assertThat(harness.extractOutputValues()).extracting(CountedEvent::entityType)
                    .containsExactly(EntityType.ITEM);

            harness.processWatermark(10);

            List<Object> output = new ArrayList<>(harness.getOutput());
            assertThat(output).hasSize(4);
            assertThat(((StreamRecord<?>) output.get(1)).getValue())
                    .isEqualTo(new CountedEvent(EntityType.GLOBAL, EntityKey.GLOBAL_ID, 5, IMPRESSION.plus(IMPRESSION)));
            assertThat(((StreamRecord<?>) output.get(2)).getValue()).isEqualTo(global(7));
            assertThat(output.get(3)).isEqualTo(new Watermark(10));
        }
    }

    @Test
    void shouldEmitBufferedDeltasBeforeACheckpointBarrierSoNothingIsLostOnRestore() throws Exception {
        try (OneInputStreamOperatorTestHarness<CountedEvent, CountedEvent> harness =
                     new OneInputStreamOperatorTestHarness<>(new GlobalPreAggregation(60_000))) {
            harness.open();
            harness.processElement(global(5), 5);
            harness.prepareSnapshotPreBarrier(1);
            assertThat(harness.extractOutputValues()).containsExactly(global(5));
        }
    }
}
