package io.recsys.models.retrieval;

import org.apache.lucene.util.VectorUtil;

/**
 * The items' vectors as signed bytes, one scale for every item and coordinate, for walking the graph at a quarter
 * of the float vectors' memory traffic; the few candidates a walk ends on are then ranked by their exact inner
 * product.
 *
 * <p>Symmetric, one scale: {@code code = round(x / scale)} with {@code scale = max |x| / 127}. Without an offset or a
 * per-item scale, the integer dot product of two codes is the float one times {@code scale²} plus rounding error, so
 * codes rank items as their vectors do, long vectors above short ones; that is what maximum inner product search
 * needs. Lucene's own scalar quantizers are built for its codecs (they read {@code KnnVectorValues} and keep a
 * per-vector correction), not for an in-memory array; its {@link VectorUtil#dotProduct(byte[], byte[])} is what
 * gives us the SIMD inner product.
 */
final class Int8Codes {

    private static final int MAX_CODE = 127;

    private final byte[][] codes;

    private Int8Codes(byte[][] codes) {
        this.codes = codes;
    }

    static Int8Codes of(float[][] vectors) {
        float largest = 0;
        for (float[] vector : vectors) {
            for (float x : vector) {
                largest = Math.max(largest, Math.abs(x));
            }
        }
        byte[][] codes = new byte[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            codes[i] = encode(vectors[i], largest);
        }
        return new Int8Codes(codes);
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
        return encode(query, largest);
    }

    private static byte[] encode(float[] vector, float largest) {
        byte[] code = new byte[vector.length];
        if (largest == 0 || !Float.isFinite(largest)) {
            return code;
        }
        float perUnit = MAX_CODE / largest;
        for (int d = 0; d < vector.length; d++) {
            code[d] = (byte) Math.max(-MAX_CODE, Math.min(MAX_CODE, Math.round(vector[d] * perUnit)));
        }
        return code;
    }

    /** The integer inner product of {@code query}'s code with item {@code node}'s, exact in a float up to 2^24. */
    float score(byte[] query, int node) {
        return VectorUtil.dotProduct(query, codes[node]);
    }

    byte[] code(int node) {
        return codes[node];
    }

    int size() {
        return codes.length;
    }

    long bytes() {
        long perArray = 16; // header and length
        return codes.length * (long) Integer.BYTES + (codes.length == 0 ? 0
                : codes.length * (perArray + ((codes[0].length + 7) & ~7L)));
    }
}
