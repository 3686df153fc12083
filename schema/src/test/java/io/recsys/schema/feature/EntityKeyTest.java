package io.recsys.schema.feature;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntityKeyTest {

    @Test
    void parsesEveryEntityTypeAndPrintsItBack() {
        for (String text : new String[]{"item:i42", "user:U8125", "user_category:u1|sports", "global:all"}) {
            assertThat(EntityKey.parse(text).toString()).isEqualTo(text);
        }
        assertThat(EntityKey.parse("global")).isEqualTo(EntityKey.GLOBAL);
        assertThat(EntityKey.parse("item:N1:x").id()).isEqualTo("N1:x");
    }

    @Test
    void rejectsMalformedEntitiesWithAMessageThatSaysHowToWriteThem() {
        assertThatThrownBy(() -> EntityKey.parse("i42")).hasMessageContaining("type:id");
        assertThatThrownBy(() -> EntityKey.parse("thing:i42")).hasMessageContaining("unknown entity type");
        assertThatThrownBy(() -> EntityKey.parse("item:")).hasMessageContaining("type:id");
        assertThatThrownBy(() -> EntityKey.parse("user_category:u1")).hasMessageContaining("USER|CATEGORY");
        assertThatThrownBy(() -> EntityKey.parse("item:a b")).hasMessageContaining("not a valid id");
    }
}
