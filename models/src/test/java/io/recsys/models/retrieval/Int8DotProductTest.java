package io.recsys.models.retrieval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class Int8DotProductTest {

    private static final Int8DotProduct SIMD = new PanamaInt8DotProduct();

    @Test
    void theVectorApiIsWhatTestsRunWith() {
        assertThat(Int8DotProduct.FASTEST).isInstanceOf(PanamaInt8DotProduct.class);
    }

    /** Lengths on either side of the lane counts (16, 32, 64 bytes), prime ones, and at offsets no lane aligns to. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 97, 128, 551})
    void theSimdSumIsTheScalarOneAtAnyLengthAndOffset(int length) {
        SplittableRandom random = new SplittableRandom(length);
        byte[] a = randomBytes(random, length + 13);
        byte[] b = randomBytes(random, 3 * length + 5);
        for (int aOffset : new int[] {0, 1, 13}) {
            for (int bOffset : new int[] {0, 5, length + 3, 2 * length + 5}) {
                assertThat(SIMD.dot(a, aOffset, b, bOffset, length))
                        .as("offsets %d and %d", aOffset, bOffset)
                        .isEqualTo(Int8DotProduct.SCALAR.dot(a, aOffset, b, bOffset, length));
            }
        }
    }

    @Test
    void extremeBytesNeitherOverflowNorLoseTheirSign() {
        byte[] low = new byte[551];
        byte[] high = new byte[551];
        java.util.Arrays.fill(low, Byte.MIN_VALUE);
        java.util.Arrays.fill(high, Byte.MAX_VALUE);

        assertThat(SIMD.dot(low, 0, low, 0, 551)).isEqualTo(551 * 128 * 128);
        assertThat(SIMD.dot(low, 0, high, 0, 551)).isEqualTo(-551 * 128 * 127);
        assertThat(Int8DotProduct.SCALAR.dot(low, 0, high, 0, 551)).isEqualTo(-551 * 128 * 127);
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
