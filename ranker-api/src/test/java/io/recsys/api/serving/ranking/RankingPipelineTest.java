package io.recsys.api.serving.ranking;

import io.prometheus.client.Collector;
import io.prometheus.client.Histogram;
import io.recsys.api.serving.ApiMetrics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class RankingPipelineTest {

    private final ApiMetrics metrics = new ApiMetrics();
    private final List<String> ran = new ArrayList<>();

    private RankingStage stage(String name, int leaves) {
        return request -> {
            ran.add(name);
            return leaves;
        };
    }

    private RankingRequest request() {
        return new RankingRequest("u1", 5, Set.of(), null);
    }

    /** How many times a histogram observed under {@code stage}; 0 when the label was never used. */
    private static double observations(Histogram histogram, String stage) {
        for (Collector.MetricFamilySamples family : histogram.collect()) {
            for (Collector.MetricFamilySamples.Sample sample : family.samples) {
                if (sample.name.endsWith("_count") && sample.labelValues.get(0).equals(stage)) {
                    return sample.value;
                }
            }
        }
        return 0;
    }

    @Test
    void runsTheStagesInOrderTimingEachLabelledOneOnceAndCountingWhatTheCountedOnesLeave() {
        RankingPipeline pipeline = new RankingPipeline(metrics, List.of(
                new RankingPipeline.Step("retrieve", "retrieve", stage("sources", 500)),
                new RankingPipeline.Step("gbdt", null, stage("gbdt", 480)),
                new RankingPipeline.Step(null, null, stage("mmr", 10)),
                new RankingPipeline.Step(null, "final", stage("explore", 10))));
        RankingRequest request = request();

        pipeline.run(request);

        assertThat(ran).containsExactly("sources", "gbdt", "mmr", "explore");
        assertThat(observations(metrics.requestDuration, "retrieve")).isEqualTo(1);
        assertThat(observations(metrics.requestDuration, "gbdt")).isEqualTo(1);
        assertThat(observations(metrics.requestDuration, "final")).as("an untimed stage has no time").isZero();
        assertThat(request.candidatesPerStage()).containsExactly(entry("retrieve", 500), entry("final", 10));
        assertThat(observations(metrics.candidates, "retrieve")).isEqualTo(1);
        assertThat(observations(metrics.candidates, "final")).isEqualTo(1);
        assertThat(observations(metrics.candidates, "gbdt")).isZero();
    }

    @Test
    void aStageThatThrowsEndsTheRequestAndNoCandidatesAreCounted() {
        RankingPipeline pipeline = new RankingPipeline(metrics, List.of(
                new RankingPipeline.Step("retrieve", "retrieve", stage("sources", 500)),
                new RankingPipeline.Step("filter", "filter", request -> {
                    throw new IllegalStateException("no bundle");
                }),
                new RankingPipeline.Step("features", "features", stage("features", 480))));

        assertThatThrownBy(() -> pipeline.run(request())).hasMessage("no bundle");
        assertThat(ran).containsExactly("sources");
        assertThat(observations(metrics.requestDuration, "retrieve")).isEqualTo(1);
        assertThat(observations(metrics.requestDuration, "filter")).isZero();
        assertThat(observations(metrics.candidates, "retrieve")).isZero();
    }
}
