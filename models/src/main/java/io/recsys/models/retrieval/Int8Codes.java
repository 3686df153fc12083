package io.recsys.models.retrieval;

/**
 * The items' vectors as signed bytes, one scale for every item and coordinate, for walking the graph at a quarter
 * of the float vectors' memory traffic; the few candidates a walk ends on are then ranked by their exact inner
 * product.
 *
 * <p>Symmetric, one scale: {@code code = round(x / scale)} with {@code scale = max |x| / 127}. Without an offset or a
 * per-item scale, the integer dot product of two codes is the float one times {@code scale²} plus rounding error, so
 * codes rank items as their vectors do, long vectors above short ones; that is what maximum inner product search
 * needs. Lucene's own scalar quantizers are built for its codecs (they read {@code KnnVectorValues} and keep a
 * per-vector correction), not for an in-memory array.
 *
 * <p>All codes lie back to back in one {@code byte[]}, item i's at {@code i × dimension}, scored with
 * {@link Int8DotProduct}: one array instead of one per item, so no per-array header or pointer, and a search's
 * reads land in one contiguous block.
 */
final class Int8Codes {

    private static final int MAX_CODE = 127;

    private final byte[] codes;
    private final int size;
    private final int dimension;

    private Int8Codes(byte[] codes, int size, int dimension) {
        this.codes = codes;
        this.size = size;
        this.dimension = dimension;
    }

    static Int8Codes of(float[][] vectors) {
        float largest = 0;
        for (float[] vector : vectors) {
            for (float x : vector) {
                largest = Math.max(largest, Math.abs(x));
            }
        }
        int dimension = vectors.length == 0 ? 0 : vectors[0].length;
        if ((long) vectors.length * dimension > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(vectors.length + " codes of " + dimension + " bytes do not fit in one "
                    + "array (2 GiB)");
        }
        byte[] codes = new byte[vectors.length * dimension];
        for (int i = 0; i < vectors.length; i++) {
            encode(vectors[i], largest, codes, i * dimension);
        }
        return new Int8Codes(codes, vectors.length, dimension);
    }

    /**
     * A query's code, on a scale of its own: the query's scale multiplies every item's score alike, so it can fill
     * the whole byte range whatever the items' scale is.
     */
    static byte[] encodeQuery(float[] query) {
        float largest = 0;
        for (float x : query) {
            largest = Math.max(largest, Math.abs(x));
        }
        byte[] code = new byte[query.length];
        encode(query, largest, code, 0);
        return code;
    }

    private static void encode(float[] vector, float largest, byte[] codes, int offset) {
        if (largest == 0 || !Float.isFinite(largest)) {
            return; // all zero
        }
        float perUnit = MAX_CODE / largest;
        for (int d = 0; d < vector.length; d++) {
            codes[offset + d] = (byte) Math.max(-MAX_CODE, Math.min(MAX_CODE, Math.round(vector[d] * perUnit)));
        }
    }

    /** The integer inner product of {@code query}'s code with item {@code item}'s. */
    int score(byte[] query, int item) {
        return Int8DotProduct.FASTEST.dot(query, 0, codes, item * dimension, dimension);
    }

    /** The integer inner product of two items' codes. */
    int score(int item, int other) {
        return Int8DotProduct.FASTEST.dot(codes, item * dimension, codes, other * dimension, dimension);
    }

    /**
     * The codes in another order: item {@code order[i]}'s code at {@code i × dimension} of the returned array.
     */
    byte[] reordered(int[] order) {
        byte[] result = new byte[codes.length];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(codes, order[i] * dimension, result, i * dimension, dimension);
        }
        return result;
    }

    int size() {
        return size;
    }

    int dimension() {
        return dimension;
    }

    long bytes() {
        return 16 + (long) codes.length;
    }
}
