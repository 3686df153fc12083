package io.recsys.schema.feature;

import io.recsys.schema.event.EventType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The codes the feature job's savepoints hold for entity and event types. Changing one silently moves or loses every
 * entity's state on restore, so they are written out here: a change must be a decision (and a migration), not a
 * side effect of reordering an enum.
 */
class StateCodesTest {

    @Test
    void entityTypesKeepTheCodesEveryReleasesSavepointsHold() {
        Map<EntityType, Integer> codes = new LinkedHashMap<>();
        Arrays.stream(EntityType.values()).forEach(type -> codes.put(type, type.stateCode()));

        assertThat(codes).containsExactlyInAnyOrderEntriesOf(Map.of(EntityType.ITEM, 0, EntityType.USER, 1,
                EntityType.USER_CATEGORY, 2, EntityType.GLOBAL, 3));
        for (EntityType type : EntityType.values()) {
            assertThat(EntityType.fromStateCode(type.stateCode())).isEqualTo(type);
        }
        assertThatThrownBy(() -> EntityType.fromStateCode(9)).hasMessageContaining("state code 9");
    }

    @Test
    void eventTypesKeepTheCodesEveryReleasesSavepointsHold() {
        Map<EventType, Integer> codes = new LinkedHashMap<>();
        Arrays.stream(EventType.values()).forEach(type -> codes.put(type, type.stateCode()));

        assertThat(codes).containsExactlyInAnyOrderEntriesOf(Map.of(EventType.IMPRESSION, 0, EventType.CLICK, 1,
                EventType.VIEW, 2, EventType.ADD_TO_CART, 3, EventType.PURCHASE, 4));
    }
}
