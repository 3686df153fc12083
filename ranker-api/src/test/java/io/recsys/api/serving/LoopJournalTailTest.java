package io.recsys.api.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.recsys.models.rollout.LearningLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoopJournalTailTest {

    private static String decision(int n) {
        return "{\"kind\":\"collecting\",\"reason\":\"look " + n + "\"}\n";
    }

    @Test
    void noJournalIsNoDecision(@TempDir Path bundles) throws Exception {
        assertThat(new LoopJournalTail(bundles).latest(10)).isEmpty();
    }

    @Test
    void theLatestDecisionsComeNewestFirstUpToTheLimit(@TempDir Path bundles) throws Exception {
        Files.writeString(bundles.resolve(LearningLoop.JOURNAL_FILE), decision(1) + decision(2) + decision(3));

        List<JsonNode> latest = new LoopJournalTail(bundles).latest(2);

        assertThat(latest).extracting(node -> node.path("reason").asText()).containsExactly("look 3", "look 2");
    }

    @Test
    void aJournalLongerThanTheTailIsReadFromItsEndWithoutTheCutLine(@TempDir Path bundles) throws Exception {
        StringBuilder journal = new StringBuilder();
        int n = 0;
        while (journal.length() < 2 * LoopJournalTail.TAIL_BYTES) {
            journal.append(decision(++n));
        }
        Files.writeString(bundles.resolve(LearningLoop.JOURNAL_FILE), journal);

        List<JsonNode> latest = new LoopJournalTail(bundles).latest(100_000);

        assertThat(latest.get(0).path("reason").asText()).isEqualTo("look " + n);
        assertThat(latest).allSatisfy(node -> assertThat(node.path("kind").asText()).isEqualTo("collecting"));
        assertThat(latest.size()).isLessThan(n);
    }

    @Test
    void aLineThatIsNotJsonIsNamed(@TempDir Path bundles) throws Exception {
        Files.writeString(bundles.resolve(LearningLoop.JOURNAL_FILE), decision(1) + "{oops\n");

        assertThatThrownBy(() -> new LoopJournalTail(bundles).latest(5)).hasMessageContaining("not JSON")
                .hasMessageContaining("line 2");
    }
}
