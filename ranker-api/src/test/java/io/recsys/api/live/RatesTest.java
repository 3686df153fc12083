package io.recsys.api.live;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RatesTest {

    private static final double[] BOUNDS = {0.001, 0.01, Double.POSITIVE_INFINITY};

    private static Reading.Api api(double requests, double[] totalBuckets, double shed) {
        Reading.Buckets total = new Reading.Buckets(BOUNDS, totalBuckets);
        return new Reading.Api(requests, Map.of("total", total), new Reading.Buckets(BOUNDS, new double[3]), shed, 0,
                0, 0, Map.of());
    }

    private static Reading.Job job(double events, double controlImpressions, double controlClicks) {
        return new Reading.Job(events, 0, 250, Double.NaN, Map.of("control", controlImpressions),
                Map.of("control", controlClicks));
    }

    @Test
    void ratesArePerSecondOverTheWindowBetweenTheReadings() {
        Reading from = new Reading(0, api(10, new double[] {10, 10, 10}, 1), job(1_000, 0, 0));
        Reading now = new Reading(5_000, api(60, new double[] {10, 60, 60}, 6), job(2_000, 0, 0));

        Map<String, Double> values = Rates.between(from, from, now);

        assertThat(values.get(Rates.REQUESTS)).isEqualTo(10.0);
        assertThat(values.get(Rates.SHED)).isEqualTo(1.0);
        assertThat(values.get(Rates.JOB_EVENTS)).isEqualTo(200.0);
        assertThat(values.get(Rates.JOB_EVENT_LAG)).isEqualTo(250.0);
        assertThat(values).doesNotContainKey(Rates.JOB_KAFKA_LAG);
    }

    @Test
    void latencyQuantilesCountOnlyTheRequestsInsideTheWindow() {
        // 10 fast requests before the window, 50 between 1 and 10 ms inside it
        Reading from = new Reading(0, api(10, new double[] {10, 10, 10}, 0), null);
        Reading now = new Reading(5_000, api(60, new double[] {10, 60, 60}, 0), null);

        Map<String, Double> values = Rates.between(from, from, now);

        assertThat(values.get(Rates.LATENCY_P50 + "total")).isCloseTo(5.5, within(1e-9));
        assertThat(values.get(Rates.LATENCY_P99 + "total")).isCloseTo(9.91, within(1e-9));
    }

    @Test
    void aWindowWithoutRequestsHasNoLatencyButAZeroRate() {
        Reading from = new Reading(0, api(10, new double[] {10, 10, 10}, 0), null);
        Reading now = new Reading(1_000, api(10, new double[] {10, 10, 10}, 0), null);

        Map<String, Double> values = Rates.between(from, from, now);

        assertThat(values.get(Rates.REQUESTS)).isZero();
        assertThat(values).doesNotContainKeys(Rates.LATENCY_P50 + "total", Rates.LATENCY_P99 + "total");
    }

    @Test
    void aCounterThatWentBackIsARestartAndGivesNoRate() {
        Reading from = new Reading(0, api(10, new double[] {10, 10, 10}, 0), job(5_000, 0, 0));
        Reading now = new Reading(1_000, api(12, new double[] {12, 12, 12}, 0), job(40, 0, 0));

        assertThat(Rates.between(from, from, now)).doesNotContainKey(Rates.JOB_EVENTS).containsKey(Rates.REQUESTS);
    }

    @Test
    void anArmsCtrIsClicksOverImpressionsAcrossTheLongerCtrWindow() {
        Reading ctrFrom = new Reading(0, api(0, new double[3], 0), job(0, 1_000, 40));
        Reading rateFrom = new Reading(55_000, api(0, new double[3], 0), job(0, 2_000, 90));
        Reading now = new Reading(60_000, api(0, new double[3], 0), job(0, 3_000, 100));

        Map<String, Double> values = Rates.between(rateFrom, ctrFrom, now);

        assertThat(values.get(Rates.ARM_CTR + "control")).isCloseTo(0.03, within(1e-12));
        assertThat(values.get(Rates.ARM_IMPRESSIONS + "control")).isEqualTo(200.0);
        assertThat(values.get(Rates.ARM_CLICKS + "control")).isEqualTo(2.0);
    }

    @Test
    void withoutTheJobsReadingsThereAreNoJobSeries() {
        Reading from = new Reading(0, api(0, new double[3], 0), null);
        Reading now = new Reading(1_000, api(1, new double[] {1, 1, 1}, 0), null);

        assertThat(Rates.between(from, from, now).keySet()).noneMatch(name -> name.startsWith("job."));
    }
}
