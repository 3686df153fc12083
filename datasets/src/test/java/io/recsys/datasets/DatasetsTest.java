package io.recsys.datasets;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Small synthetic files in the datasets' formats; the real data stays in ../shared/data. */
class DatasetsTest {

    @Test
    void mindCandidatesBecomeImpressionsAtTheirPositionsAndLabelsBecomeClicksAtTheLineTimeInUtc(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("behaviors.tsv"),
                "7\tU1\t11/13/2019 1:02:03 PM\tN9 N8\tN1-0 N2-1 N3-0\n"
                        + "3\tU2\t11/12/2019 11:00:00 AM\t\tN2-0\n");
        Files.writeString(dir.resolve("news.tsv"), "N1\tsports\tgolf\tTitle\tAbstract\n");

        Dataset mind = Datasets.read("mind", dir);

        List<Event> events = mind.events();
        assertThat(events).hasSize(5);
        assertThat(events.get(0).userId()).as("sorted by time").isEqualTo("U2");
        Event second = events.stream().filter(e -> e.itemId().equals("N2") && e.userId().equals("U1")
                && e.type() == EventType.IMPRESSION).findFirst().orElseThrow();
        assertThat(second.position()).isEqualTo(2);
        assertThat(Instant.ofEpochMilli(second.eventTime())).isEqualTo(Instant.parse("2019-11-13T13:02:03Z"));
        assertThat(events).filteredOn(e -> e.type() == EventType.CLICK).extracting(Event::itemId)
                .containsExactly("N2");
        assertThat(events).extracting(Event::itemId).doesNotContain("N9", "N8");
        assertThat(mind.catalogue()).singleElement().extracting(i -> i.category()).isEqualTo("sports");
    }

    @Test
    void movieLensRatingsAreViewsAndHighRatingsAreAlsoClicks(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("u.data"), "1\t10\t5\t100\n2\t10\t3\t50\n");
        Files.writeString(dir.resolve("u.genre"), "unknown|0\nAction|1\n");
        Files.writeString(dir.resolve("u.item"), "10|Film|01-Jan-1995||http://x|0|1\n");

        Dataset movielens = Datasets.read("movielens", dir);

        assertThat(movielens.events()).extracting(Event::type, Event::eventTime)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(EventType.VIEW, 50_000L),
                        org.assertj.core.groups.Tuple.tuple(EventType.VIEW, 100_000L),
                        org.assertj.core.groups.Tuple.tuple(EventType.CLICK, 100_000L));
        assertThat(movielens.catalogue()).singleElement().extracting(i -> i.category()).isEqualTo("Action");
    }

    @Test
    void aWrongDirectorySaysWhatItExpected(@TempDir Path dir) {
        assertThatThrownBy(() -> Datasets.read("mind", dir)).hasMessageContaining("behaviors.tsv");
        assertThatThrownBy(() -> Datasets.read("netflix", dir)).hasMessageContaining("mind or movielens");
    }
}
