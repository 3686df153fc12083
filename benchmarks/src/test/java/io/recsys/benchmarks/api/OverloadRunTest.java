package io.recsys.benchmarks.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OverloadRunTest {

    private static final OverloadRun.Phase OVERLOAD = new OverloadRun.Phase("overload", 2_000, 20);

    @Test
    void aPhaseReportsAnsweredAndRefusedRequestsApart() throws IOException {
        String output = """
                Running 20s test @ http://127.0.0.1:8080/
                CLASS answered count=20000 p50=4000 p90=9000 p99=15000 p999=30000 max=45678
                CLASS refused count=19000 p50=100 p90=200 p99=900 p999=1500 max=2000
                TOTALS requests=39010 seconds=20.000 other=10 errors=0
                """;

        Map<String, Object> phase = OverloadRun.phase(OVERLOAD, output);

        assertThat(phase).containsEntry("phase", "overload").containsEntry("offered_rate", 2_000)
                .containsEntry("sent_per_s", 1_951L).containsEntry("answered_per_s", 1_000L)
                .containsEntry("refused_per_s", 950L).containsEntry("other_status", 10L)
                .containsEntry("socket_errors", 0L);
        assertThat(phase.get("answered_latency_ms")).isEqualTo(Map.of("p50", 4.0, "p90", 9.0, "p99", 15.0,
                "p99.9", 30.0, "max", 45.68));
    }

    @Test
    void outputWithoutTotalsIsAnError() {
        assertThatThrownBy(() -> OverloadRun.phase(OVERLOAD, "wrk: command not found"))
                .isInstanceOf(IOException.class).hasMessageContaining("command not found");
    }
}
