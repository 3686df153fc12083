package io.recsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FeaturesCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void getPrintsOneJsonObjectWithTheEntityTheInstantAndTheRegisteredFeatures(@TempDir Path dataDir)
            throws Exception {
        int exit = Recsys.execute("features", "get", "--entity", "item:i1", "--at", "2019-11-13T10:00:00Z",
                "--data-dir", dataDir.toString());

        assertThat(exit).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("entity").asText()).isEqualTo("item:i1");
        assertThat(json.get("at").asText()).isEqualTo("2019-11-13T10:00:00Z");
        assertThat(json.get("features").get("impressions_1h").asLong()).isZero();
        assertThat(json.get("features").has("clicks_24h")).isTrue();
    }

    @Test
    void malformedArgumentsFailWithAMessageThatSaysWhatIsExpected(@TempDir Path dataDir) {
        assertThat(Recsys.execute("features", "get", "--entity", "i1", "--data-dir", dataDir.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("type:id");

        assertThat(Recsys.execute("features", "get", "--entity", "item:i1", "--at", "yesterday",
                "--data-dir", dataDir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("ISO-8601");

        assertThat(Recsys.execute("features", "replay", "--dataset", "netflix", "--path", dataDir.toString(),
                "--data-dir", dataDir.toString(), "--kafka", "127.0.0.1:1")).isEqualTo(1);
        assertThat(err.toString()).contains("mind or movielens");
    }

    @Test
    void pruneReportsWhatItDeleted(@TempDir Path dataDir) {
        assertThat(Recsys.execute("features", "prune", "--older-than", "P1D", "--data-dir", dataDir.toString()))
                .isZero();
        assertThat(out.toString()).contains("deleted 0 rows");
    }
}
