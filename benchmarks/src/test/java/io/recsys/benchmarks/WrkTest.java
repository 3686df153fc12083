package io.recsys.benchmarks;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WrkTest {

    /** What wrk 4 prints for a run with --latency and the summary script, shortened. */
    private static final String OUTPUT = """
            Running 30s test @ http://127.0.0.1:8080/
              2 threads and 16 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     9.12ms    3.40ms  61.02ms   80.11%
              Latency Distribution
                 50%    8.50ms
              30001 requests in 30.00s, 95.12MB read
              Non-2xx or 3xx responses: 17
            Requests/sec:   1000.02
            Transfer/sec:      3.17MB
            RESULT requests=30001 seconds=30.002 p50=8500 p90=13000 p99=21000 p999=40000 max=61020 errors=2
            """;

    @Test
    void theSummaryLineAndTheRefusedCountAreRead() throws IOException {
        Wrk.Summary summary = Wrk.Summary.parse(OUTPUT);

        assertThat(summary).isEqualTo(new Wrk.Summary(30_001, 30.002, 8_500, 13_000, 21_000, 40_000, 61_020, 2, 17));
    }

    @Test
    void withoutNon2xxLinesNothingWasRefused() throws IOException {
        String allAnswered = OUTPUT.replace("  Non-2xx or 3xx responses: 17\n", "");

        assertThat(Wrk.Summary.parse(allAnswered).non2xx()).isZero();
    }

    @Test
    void outputWithoutTheSummaryLineIsAnErrorThatShowsIt() {
        assertThatThrownBy(() -> Wrk.Summary.parse("unable to connect to 127.0.0.1:8080 Connection refused"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Connection refused");
    }

    @Test
    void wrkIsPinnedWithTasksetOnlyWhenCpusAreGiven() {
        assertThat(Wrk.command(null, List.of("-c4"))).containsExactly("wrk", "-c4");
        assertThat(Wrk.command("1", List.of("-c4"))).containsExactly("taskset", "-c", "1", "wrk", "-c4");
    }
}
