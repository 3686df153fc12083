package io.recsys.schema.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IsoInstantsTest {

    @Test
    void readsEveryInstantAsInstantParseDoesWithAnyNumberOfFractionDigits() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 20_000; trial++) {
            // years 0000-9999, the range the plain form can write
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L);
            int nanos = switch (trial % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            String text = Instant.ofEpochSecond(seconds, nanos).toString();
            assertThat(IsoInstants.toEpochMilli(text)).as(text).isEqualTo(Instant.parse(text).toEpochMilli());
        }
    }

    @Test
    void givesInstantParsesResultOrItsExceptionOnOddFormsAndEdges() {
        String[] texts = {
                "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.9999999Z",
                "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2020-02-29T12:00:00Z",
                "2019-11-13T10:00:00.5Z", "2019-11-13T10:00:00.05Z", "2019-11-13T10:00:00.123456Z",
                "2019-11-13t10:00:00z", "2019-11-13T10:00:00+01:00", "2019-11-13T23:59:60Z", "2019-11-13T24:00:00Z",
                "+12019-11-13T10:00:00Z", "2019-11-13T10:00:00.Z", "", "2019-11-13", "2019-02-29T10:00:00Z",
                "2019-13-01T10:00:00Z", "2019-11-31T10:00:00Z", "2019-11-13T10:60:00Z",
                "2019-11-13T10:00:00.1234567890Z", "2019-11-13T10:00:00", "2019-11-13 10:00:00Z",
                "2O19-11-13T10:00:00Z", "2019-11-13T10:00:00ZZ", "2019-11-13T1a:00:00Z", "2019-11-13T10:00:0-Z"};
        int refused = 0;
        for (String text : texts) {
            Class<? extends Throwable> refusal = thrownBy(() -> Instant.parse(text).toEpochMilli());
            if (refusal == null) {
                assertThat(IsoInstants.toEpochMilli(text)).as(text).isEqualTo(Instant.parse(text).toEpochMilli());
            } else {
                refused++;
                assertThatThrownBy(() -> IsoInstants.toEpochMilli(text)).as(text).isInstanceOf(refusal);
            }
        }
        assertThat(refused).as("texts Instant.parse refuses").isGreaterThan(10);
    }

    private static Class<? extends Throwable> thrownBy(Runnable parse) {
        try {
            parse.run();
            return null;
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }
}
