package io.recsys.schema.event;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

    /** The syntax as it was first written down; the table must agree with it on every string. */
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9_.:@/+=~-]{1,128}");

    private static final String ALPHABET = "aZ09_.:@/+=~-|# é\u0000\u007f\u0080\uffff";

    @Test
    void agreesWithTheReferencePatternOnRandomStringsOfEveryLengthAroundTheLimits() {
        SplittableRandom random = new SplittableRandom(7);
        for (int length : new int[]{0, 1, 2, 3, 17, 64, 127, 128, 129, 200}) {
            for (int trial = 0; trial < 2_000; trial++) {
                String id = randomString(random, length, trial % 4 == 0 ? ALPHABET : "aZ09_.:@/+=~-");
                assertThat(Ids.isValid(id)).as("'%s'", id).isEqualTo(REFERENCE.matcher(id).matches());
            }
        }
    }

    @Test
    void checksAnyRangeOfALongerTextWithoutCuttingItOut() {
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 5_000; trial++) {
            String text = randomString(random, random.nextInt(1, 140), ALPHABET);
            int from = random.nextInt(text.length() + 1);
            int to = random.nextInt(from, text.length() + 1);
            assertThat(Ids.isValid(text, from, to)).isEqualTo(REFERENCE.matcher(text.substring(from, to)).matches());
        }
    }

    @Test
    void refusesNull() {
        assertThat(Ids.isValid(null)).isFalse();
    }

    private static String randomString(SplittableRandom random, int length, String alphabet) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
