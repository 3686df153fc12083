package io.recsys.models.training;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ImpressionLogTest {

    @Test
    void clicksLabelTheImpressionOfTheirRequestOnly() {
        List<Event> log = List.of(
                Event.impression("e1", "r1", "u1", "i2", 2, "home", "v1", null, 1000),
                Event.impression("e2", "r1", "u1", "i1", 1, "home", "v1", null, 1000),
                Event.impression("e3", "r2", "u1", "i1", 1, "home", "v1", null, 2000),
                Event.feedback("e4", EventType.CLICK, "r1", "u1", "i1", 1500),
                Event.feedback("e5", EventType.CLICK, null, "u1", "i1", 2500));

        List<ImpressionGroup> groups = ImpressionLog.groups(log, 0, Long.MAX_VALUE);

        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).items()).containsExactly("i1", "i2");
        assertThat(groups.get(0).clicked()).containsExactly(true, false);
        assertThat(groups.get(1).clicked()).containsExactly(false);
        assertThat(ImpressionLog.groups(log, 1500, Long.MAX_VALUE)).hasSize(1);
    }

    @Test
    void anExploredHeadIsThePropensitiesOfItsFirstPositionsInOrder() {
        List<Event> log = List.of(
                Event.impression("a2", "r1", "u1", "i2", 2, "home", "v1", null, 1000).withPropensity(0.25),
                Event.impression("a1", "r1", "u1", "i1", 1, "home", "v1", null, 1000).withPropensity(0.5),
                Event.impression("a3", "r1", "u1", "i3", 3, "home", "v1", null, 1000),
                Event.impression("b1", "r2", "u1", "i1", 1, "home", "v1", null, 1000),
                Event.impression("c1", "r3", "u1", "i1", 1, "home", "v1", null, 9000).withPropensity(0.5));

        var heads = ImpressionLog.exploredHeads(log, 0, 5000);

        assertThat(heads).containsOnlyKeys("r1");
        assertThat(heads.get("r1")).containsExactly(0.5, 0.25);
    }
}
