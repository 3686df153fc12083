package io.recsys.models.retrieval;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class Int8CodesTest {

    /** Odd counts and dimensions, so that no SIMD lane width divides them; 64 is the benchmark's. */
    @ParameterizedTest
    @CsvSource({"1, 1", "7, 7", "97, 33", "551, 64", "551, 97"})
    void aCodeScoreIsTheFloatInnerProductTimesBothScalesWithinRoundingError(int count, int dimension) {
        SplittableRandom random = new SplittableRandom(count * 31L + dimension);
        float[][] items = unnormalised(random, count, dimension);
        float[] query = unnormalised(random, 1, dimension)[0];
        Int8Codes codes = Int8Codes.of(items);
        byte[] queryCode = Int8Codes.encodeQuery(query);

        float itemScale = largestAbsolute(items) / 127;
        float queryScale = largestAbsolute(new float[][] {query}) / 127;
        for (int i = 0; i < count; i++) {
            double exact = ExactIndex.dot(query, items[i]);
            double decoded = codes.score(queryCode, i) * itemScale * queryScale;
            // each coordinate is off by at most half a step on either side
            double bound = 0;
            for (int d = 0; d < dimension; d++) {
                bound += Math.abs(query[d]) * itemScale / 2 + Math.abs(items[i][d]) * queryScale / 2
                        + itemScale * queryScale / 4;
            }
            assertThat(decoded).isCloseTo(exact, within(bound));
        }
    }

    @Test
    void aZeroQueryAndZeroItemsScoreZero() {
        Int8Codes codes = Int8Codes.of(new float[][] {new float[7], new float[7]});

        assertThat(codes.score(Int8Codes.encodeQuery(new float[7]), 1)).isZero();
        assertThat(codes.score(Int8Codes.encodeQuery(new float[] {1, 2, 3, 4, 5, 6, 7}), 0)).isZero();
    }

    @Test
    void noItemsMakeAnEmptySet() {
        assertThat(Int8Codes.of(new float[0][]).size()).isZero();
    }

    private static float[][] unnormalised(SplittableRandom random, int count, int dimension) {
        float[][] vectors = new float[count][dimension];
        for (float[] vector : vectors) {
            double norm = Math.exp(random.nextGaussian() * 0.5);
            for (int d = 0; d < dimension; d++) {
                vector[d] = (float) (random.nextGaussian() * norm);
            }
        }
        return vectors;
    }

    private static float largestAbsolute(float[][] vectors) {
        float largest = 0;
        for (float[] vector : vectors) {
            for (float x : vector) {
                largest = Math.max(largest, Math.abs(x));
            }
        }
        return largest;
    }
}
