package io.recsys.api.live;

import io.recsys.api.serving.ApiMetrics;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LiveSamplerTest {

    /** A clock the test moves by hand. */
    private static final class SteppedClock extends Clock {
        long millis = 1_700_000_000_000L;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void seriesAreColumnsOfOnePointASecondWithNullWhereAPointHasNoValue() {
        ApiMetrics metrics = new ApiMetrics();
        SteppedClock clock = new SteppedClock();
        LiveSampler sampler = new LiveSampler(new ApiReadings(metrics), null, clock, false);

        sampler.sample();
        clock.millis += 1_000;
        metrics.requestDuration.labels("total").observe(0.002);
        sampler.sample();
        clock.millis += 1_000;
        sampler.sample();

        Map<String, Object> body = sampler.series();
        assertThat((double[]) body.get("t")).containsExactly(1_700_000_001.0, 1_700_000_002.0);
        Map<String, List<Double>> series = (Map<String, List<Double>>) body.get("series");
        assertThat(series.get(Rates.REQUESTS)).containsExactly(1.0, 0.5);
        assertThat(series.get(Rates.LATENCY_P50 + "total")).hasSize(2).doesNotContainNull();
        assertThat(series.get(Rates.SHED)).containsExactly(0.0, 0.0);
        assertThat(((Map<String, Object>) body.get("job_metrics")).get("error").toString())
                .contains("--job-metrics");
    }
}
