package io.recsys.datasets;

import io.recsys.schema.session.SessionAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A synthetic sessions.csv in trivago's format; the real log stays in ../shared/data. */
class TrivagoDatasetTest {

    private static final String HEADER = "user_id,session_id,timestamp,step,action_type,reference,platform,city,"
            + "device,current_filters,impressions,prices\n";

    @Test
    void rowsComeBackInTimestampSessionStepOrderWhateverTheFileOrder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sessions.csv"), HEADER
                + "U2,s2,1000,1,interaction item image,11,DE,\"Berlin, Germany\",mobile,,,\n"
                + "U1,s1,1000,2,filter selection,Sort By Price,DE,\"Berlin, Germany\",desktop,Wifi|Pool,,\n"
                + "U1,s1,1000,1,search for destination,\"Berlin, Germany\",DE,\"Berlin, Germany\",desktop,,,\n"
                + "U1,s1,990,3,interaction item info,12,DE,\"Berlin, Germany\",desktop,,,\n");

        List<TrivagoRow> rows = TrivagoDataset.read(dir);

        assertThat(rows).extracting(TrivagoRow::timestamp, TrivagoRow::sessionId, TrivagoRow::step)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(990L, "s1", 3),
                        org.assertj.core.groups.Tuple.tuple(1000L, "s1", 1),
                        org.assertj.core.groups.Tuple.tuple(1000L, "s1", 2),
                        org.assertj.core.groups.Tuple.tuple(1000L, "s2", 1));
        TrivagoRow filter = rows.get(2);
        assertThat(filter.action()).isEqualTo(SessionAction.FILTER_SELECTION);
        assertThat(filter.filters()).containsExactly("Wifi", "Pool");
        assertThat(filter.city()).as("a quoted field keeps its comma").isEqualTo("Berlin, Germany");
        assertThat(rows.get(1).reference()).isEqualTo("Berlin, Germany");
    }

    @Test
    void aClickoutCarriesItsListInDisplayOrderWithAlignedPricesAndTheClickedIndex(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("sessions.csv"), HEADER
                + "U1,s1,1000,1,clickout item,22,AT,\"Wien, Austria\",tablet,,21|22|23,80|95|120\n");

        TrivagoRow clickout = TrivagoDataset.read(dir).get(0);

        assertThat(clickout.isClickout()).isTrue();
        assertThat(clickout.impressions()).containsExactly("21", "22", "23");
        assertThat(clickout.prices()).containsExactly(80, 95, 120);
        assertThat(clickout.clickedIndex()).isEqualTo(1);
        assertThat(clickout.filters()).isEmpty();
    }

    @Test
    void aClickedHotelMissingFromItsListHasNoIndex(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sessions.csv"), HEADER
                + "U1,s1,1000,1,clickout item,99,AT,Graz,tablet,,21|22,80|95\n");

        assertThat(TrivagoDataset.read(dir).get(0).clickedIndex()).isEqualTo(-1);
    }

    @Test
    void malformedRowsNameTheirLineAndTheProblem(@TempDir Path dir) throws Exception {
        assertMalformed(dir, "U1,s1,1000,1,clickout item,21,AT,Graz,tablet,,21|22,80\n",
                "line 2: 2 impressions but 1 prices");
        assertMalformed(dir, "U1,s1,1000,1,interaction item image,21,AT,Graz,tablet,,,\n"
                + "U1,s1,later,2,interaction item image,21,AT,Graz,tablet,,,\n", "line 3: timestamp 'later'");
        assertMalformed(dir, "U1,s1,1000,1,teleport,21,AT,Graz,tablet,,,\n", "line 2: unknown action type 'teleport'");
        assertMalformed(dir, "U1,s1,1000,1,clickout item,,AT,Graz,tablet,,21,80\n", "line 2: a clickout needs");
        assertMalformed(dir, "U1,s1,1000,1,interaction item image,21,AT\n", "line 2: has 7 columns, expected 12");
        assertMalformed(dir, "U1,s1,1000,1,interaction item image,21,AT,\"Graz,tablet,,,\n",
                "line 2: the line ends inside a quoted field");
    }

    @Test
    void aWrongFileSaysWhatItExpected(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> TrivagoDataset.read(dir)).hasMessageContaining("has no sessions.csv");
        Files.writeString(dir.resolve("sessions.csv"), "impression id,user,time\n");
        assertThatThrownBy(() -> TrivagoDataset.read(dir)).hasMessageContaining("line 1: expected the header");
    }

    private static void assertMalformed(Path dir, String rows, String message) throws Exception {
        Files.writeString(dir.resolve("sessions.csv"), HEADER + rows);
        assertThatThrownBy(() -> TrivagoDataset.read(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessions.csv " + message);
    }
}
