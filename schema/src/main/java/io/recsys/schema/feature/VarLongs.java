package io.recsys.schema.feature;

import java.nio.ByteBuffer;

/**
 * Longs in as few bytes as their size needs (unsigned LEB128: 7 bits a byte), for the compact encodings of feature
 * segments and the feature job's state, where most values are small counts and time deltas. A negative value takes
 * ten bytes but round-trips.
 */
public final class VarLongs {

    /** The most bytes one value takes. */
    public static final int MAX_BYTES = 10;

    private VarLongs() {
    }

    public static void write(ByteBuffer out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    /** @throws IllegalStateException if the bytes run on past 64 bits (corrupt input) */
    public static long read(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalStateException("varint longer than 64 bits");
    }
}
