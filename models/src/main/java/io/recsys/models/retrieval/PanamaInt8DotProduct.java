package io.recsys.models.retrieval;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8DotProduct} on the Vector API: per step, bytes widened to shorts (a product of two codes, at most
 * 127², fits in a short), multiplied, widened to ints and summed. The int vector is the preferred width (512 bits
 * with AVX-512: 32 bytes a step, two steps for a 64-d code); the tail that fills no vector is summed one by one.
 */
final class PanamaInt8DotProduct implements Int8DotProduct {

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    /** As many bytes as {@link #SHORTS} has lanes: half the preferred width. */
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.vectorBitSize() / 2));

    PanamaInt8DotProduct() {
        if (BYTES.length() != SHORTS.length() || SHORTS.length() != 2 * INTS.length()) {
            throw new IllegalStateException("unexpected vector species: " + BYTES + ", " + SHORTS + ", " + INTS);
        }
    }

    @Override
    public int dot(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int step = BYTES.length();
        int vectorised = length - length % step;
        IntVector sum = IntVector.zero(INTS);
        for (int i = 0; i < vectorised; i += step) {
            ShortVector x = (ShortVector) ByteVector.fromArray(BYTES, a, aOffset + i)
                    .convertShape(VectorOperators.B2S, SHORTS, 0);
            ShortVector y = (ShortVector) ByteVector.fromArray(BYTES, b, bOffset + i)
                    .convertShape(VectorOperators.B2S, SHORTS, 0);
            ShortVector products = x.mul(y);
            sum = sum.add(products.convertShape(VectorOperators.S2I, INTS, 0))
                    .add(products.convertShape(VectorOperators.S2I, INTS, 1));
        }
        int total = sum.reduceLanes(VectorOperators.ADD);
        for (int i = vectorised; i < length; i++) {
            total += a[aOffset + i] * b[bOffset + i];
        }
        return total;
    }
}
