package io.recsys.benchmarks.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadProfileTest {

    @Test
    void requestsAskForExactlyTheProfilesUsers() {
        LoadProfile demoUsers = new LoadProfile("u", 1, 1_000, null);

        assertThat(demoUsers.userId(0)).isEqualTo("u1");
        assertThat(demoUsers.userId(999)).isEqualTo("u1000");
        assertThat(demoUsers.requestScript(0))
                .contains("\"/v1/recommendations?k=20&user_id=u\" .. math.random(1, 1000)")
                .doesNotContain("delay");
    }

    @Test
    void pacedScriptDelaysEachConnectionUpToTwiceTheMean() {
        assertThat(new LoadProfile("bench-u", 0, 10, null).requestScript(40)).contains("math.random(0, 80)");
    }

    @Test
    void wrkRunsUnderTasksetOnlyWhenCoresAreNamed() {
        List<String> arguments = List.of("-c4", "http://127.0.0.1:1/");

        assertThat(new LoadProfile("u", 1, 10, null).wrk(arguments)).containsExactly("wrk", "-c4",
                "http://127.0.0.1:1/");
        assertThat(new LoadProfile("u", 1, 10, "1").wrk(arguments)).containsExactly("taskset", "-c", "1", "wrk",
                "-c4", "http://127.0.0.1:1/");
    }

    @Test
    void refusesWhatWouldBreakTheScriptOrTaskset() {
        assertThatThrownBy(() -> new LoadProfile("u\"; os.exit()", 1, 10, null))
                .hasMessageContaining("--user-prefix");
        assertThatThrownBy(() -> new LoadProfile("u", 1, 10, "all")).hasMessageContaining("--load-cpus");
        assertThatThrownBy(() -> new LoadProfile("u", 1, 0, null)).hasMessageContaining("--users");
    }
}
