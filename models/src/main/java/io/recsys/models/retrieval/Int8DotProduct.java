package io.recsys.models.retrieval;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The integer inner product of two runs of signed bytes inside larger arrays, for codes stored back to back in one
 * {@code byte[]}. Lucene's {@code VectorUtil.dotProduct(byte[], byte[])} takes whole arrays only, which forces one
 * array per item: a million small arrays scattered over the heap.
 *
 * <p>A facade over an implementation picked once: the Vector API one ({@link PanamaInt8DotProduct}) when the JVM
 * runs with {@code --add-modules=jdk.incubator.vector}, else a plain loop ({@link #SCALAR}), with the reason logged.
 * Tests check the two against each other on awkward lengths.
 */
interface Int8DotProduct {

    /** The plain-Java reference, and the fallback without the Vector API. */
    Int8DotProduct SCALAR = (a, aOffset, b, bOffset, length) -> {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    };

    /** The fastest implementation this JVM supports. */
    Int8DotProduct FASTEST = Selection.fastest();

    /** {@code Σ a[aOffset + i] · b[bOffset + i]} for {@code i < length}; exact (no overflow below 133,000 bytes). */
    int dot(byte[] a, int aOffset, byte[] b, int bOffset, int length);

    /** Picks {@link #FASTEST} once. */
    final class Selection {
        private Selection() {
        }

        private static Int8DotProduct fastest() {
            try {
                return new PanamaInt8DotProduct();
            } catch (LinkageError | RuntimeException e) {
                // without --add-modules=jdk.incubator.vector the class does not link: NoClassDefFoundError
                Logger.getLogger(Int8DotProduct.class.getName()).log(Level.WARNING, "int8 inner product without the "
                        + "Vector API (run with --add-modules=jdk.incubator.vector for SIMD): " + e);
                return SCALAR;
            }
        }
    }
}
