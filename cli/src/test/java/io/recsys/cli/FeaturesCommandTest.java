package io.recsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FeaturesCommandTest {

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void getPrintsOneJsonObjectWithTheEntityTheInstantAndTheRegisteredFeatures(@TempDir Path dataDir)
            throws Exception {
        int exit = Recsys.execute("features", "get", "--entity", "item:i1", "--at", "2019-11-13T10:00:00Z",
                "--data-dir", dataDir.toString());

        assertThat(exit).isZero();
        JsonNode json = new ObjectMapper().readTree(console.out());
        assertThat(json.get("entity").asText()).isEqualTo("item:i1");
        assertThat(json.get("at").asText()).isEqualTo("2019-11-13T10:00:00Z");
        assertThat(json.get("features").get("impressions_1h").asLong()).isZero();
        assertThat(json.get("features").has("clicks_24h")).isTrue();
    }

    @Test
    void malformedArgumentsFailWithAMessageThatSaysWhatIsExpected(@TempDir Path dataDir) {
        assertThat(Recsys.execute("features", "get", "--entity", "i1", "--data-dir", dataDir.toString()))
                .isEqualTo(2);
        assertThat(console.err()).contains("type:id");

        assertThat(Recsys.execute("features", "get", "--entity", "item:i1", "--at", "yesterday",
                "--data-dir", dataDir.toString())).isEqualTo(2);
        assertThat(console.err()).contains("ISO-8601");

        assertThat(Recsys.execute("features", "replay", "--dataset", "netflix", "--path", dataDir.toString(),
                "--data-dir", dataDir.toString(), "--kafka", "127.0.0.1:1")).isEqualTo(1);
        assertThat(console.err()).contains("mind or movielens");
    }

    @Test
    void pruneReportsWhatItDeleted(@TempDir Path dataDir) {
        assertThat(Recsys.execute("features", "prune", "--older-than", "P1D", "--data-dir", dataDir.toString()))
                .isZero();
        assertThat(console.out()).contains("deleted 0 rows");
    }
}
