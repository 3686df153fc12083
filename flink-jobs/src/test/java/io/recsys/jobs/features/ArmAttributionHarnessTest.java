package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.event.ExperimentArm;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ArmAttributionHarnessTest {

    private static Event impression(String request, String arm, String item) {
        return Event.impression("e-" + request + item, request, "u1", item, 1, "home", "m1", arm, 1_000);
    }

    private static Event click(String request, String item) {
        return Event.feedback("c-" + request + item, EventType.CLICK, request, "u1", item, 2_000);
    }

    @Test
    void shouldCountEachArmsImpressionsAndAttributeClicksThroughTheirRequest() throws Exception {
        ArmAttribution attribution = new ArmAttribution(Duration.ofHours(1));
        try (KeyedOneInputStreamOperatorTestHarness<String, Event, Void> harness =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(attribution, Event::requestId,
                             Types.STRING)) {
            harness.processElement(impression("r1", "A", "i1"), 1_000);
            harness.processElement(impression("r1", "A", "i2"), 1_000);
            harness.processElement(impression("r2", "B", "i1"), 1_000);
            harness.processElement(click("r1", "i2"), 2_000);
            harness.processElement(click("r3", "i9"), 2_000);

            assertThat(attribution.count("impressions", "A")).isEqualTo(2);
            assertThat(attribution.count("impressions", "B")).isEqualTo(1);
            assertThat(attribution.count("clicks", "A")).isEqualTo(1);
            assertThat(attribution.count("clicks", "B")).isZero();
            assertThat(attribution.unattributedClicks()).as("r3 showed nothing").isEqualTo(1);
        }
    }

    @Test
    void shouldExportTheApisArmsAtZeroBeforeAnyEvent() throws Exception {
        ArmAttribution attribution = new ArmAttribution(Duration.ofHours(1));
        try (KeyedOneInputStreamOperatorTestHarness<String, Event, Void> harness =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(attribution, Event::requestId,
                             Types.STRING)) {
            assertThat(attribution.armsExported("impressions")).containsExactlyInAnyOrder("control", "treatment");
            assertThat(attribution.armsExported("clicks")).containsExactlyInAnyOrder("control", "treatment");
            assertThat(attribution.count("clicks", ExperimentArm.TREATMENT.label())).isZero();
        }
    }

    @Test
    void shouldNotAttributeAClickAfterTheAttributionWindow() throws Exception {
        ArmAttribution attribution = new ArmAttribution(Duration.ofMinutes(1));
        try (KeyedOneInputStreamOperatorTestHarness<String, Event, Void> harness =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(attribution, Event::requestId,
                             Types.STRING)) {
            harness.setStateTtlProcessingTime(0);
            harness.processElement(impression("r1", "A", "i1"), 1_000);
            harness.setStateTtlProcessingTime(Duration.ofMinutes(2).toMillis());
            harness.processElement(click("r1", "i1"), 2_000);

            assertThat(attribution.count("clicks", "A")).isZero();
            assertThat(attribution.unattributedClicks()).isEqualTo(1);
        }
    }

    @Test
    void onlyImpressionsWithAnArmAndClicksAnsweringAListShownToTheirUserAreAttributable() {
        assertThat(ArmAttribution.attributable(categorized(impression("r1", "A", "i1"), Attribution.SHOWN))).isTrue();
        assertThat(ArmAttribution.attributable(categorized(impression("r1", null, "i1"), Attribution.SHOWN)))
                .isFalse();
        assertThat(ArmAttribution.attributable(categorized(click("r1", "i1"), Attribution.MATCHED))).isTrue();
        assertThat(ArmAttribution.attributable(categorized(click("r1", "i1"), Attribution.UNMATCHED))).isFalse();
        assertThat(ArmAttribution.attributable(categorized(click("r1", "i1"), Attribution.REPEATED))).isFalse();
        assertThat(ArmAttribution.attributable(categorized(click(null, "i1"), Attribution.UNMATCHED))).isFalse();
    }

    private static CategorizedEvent categorized(Event event, Attribution attribution) {
        return new CategorizedEvent(event, null, attribution);
    }
}
