package io.recsys.api.http;

import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.transformer.FormTransformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ParameterValidationTest {

    private static Vertx vertx;
    private static Parameter userId;

    @BeforeAll
    static void contract() {
        vertx = Vertx.vertx();
        userId = OpenAPIContract.from(vertx, "openapi.yaml").await().operation("getRecommendations").getParameters()
                .stream().filter(parameter -> parameter.getName().equals("user_id")).findFirst().orElseThrow();
    }

    @AfterAll
    static void close() {
        vertx.close().await();
    }

    @Test
    void aValueThatSkipsTheTransformerIsWhatTheTransformerWouldHaveReturned() {
        List<String> values = new ArrayList<>(List.of("bench-u42", "u", "true", "true-x", "null.5", "falsey",
                "nan", "Infinity", "e5", "a b", "a,b", "x\"y", "a\\nb", "-5", "1.5", "5", "_5", "{\"a\":1}", "[1]",
                "\"quoted\"", "", "é1", "a\tb"));
        SplittableRandom random = new SplittableRandom(11);
        String alphabet = "aZt0-_.:@/+=~\"\\ {}[],é\t";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder value = new StringBuilder();
            for (int length = 1 + random.nextInt(8); value.length() < length; ) {
                value.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            values.add(value.toString());
        }
        FormTransformer transformer = new FormTransformer();
        int skipped = 0;
        for (String value : values) {
            if (ParameterValidation.unchangedByTransformer(userId, value)) {
                skipped++;
                assertThat(transformer.transform(userId, value)).as(value).isEqualTo(value);
            }
        }
        assertThat(skipped).isGreaterThan(100);
    }
}
