package io.recsys.schema.feature;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every instant of one entity within one bucket of event time, [{@code bucketStart}, {@code bucketStart} +
 * {@link #BUCKET_MS}), with its cumulative counters: one log row instead of one per instant. A bucket is written once
 * the watermark has passed its end, so its content is final; buckets are aligned to the epoch, so a replay after a
 * failure rewrites the very same segment. An entity's latest row before t is the newest instant before t in the
 * newest segment starting before t, or, if that segment's instants all lie at or after t, in the one before it.
 *
 * @param instants the rows, encoded (see {@link #of}); kept encoded so the job, the sink and the store pass them on
 *                 without a serializer of their own
 */
public record FeatureSegment(EntityType entityType, String entityId, long bucketStart, long lastTs,
                             byte[] instants) implements Serializable {

    /** The length of a bucket. Hot entities get one row per bucket; reads decode at most two segments. */
    public static final long BUCKET_MS = 1_000;

    public static long bucketOf(long ts) {
        return Math.floorDiv(ts, BUCKET_MS) * BUCKET_MS;
    }

    /** @param rows one entity's rows of one bucket, in time order */
    public static FeatureSegment of(List<FeatureRow> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a segment needs at least one row");
        }
        FeatureRow first = rows.get(0);
        long bucket = bucketOf(first.ts());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + rows.size() * 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeVarLong(out, rows.size());
            long previous = bucket - 1;
            for (FeatureRow row : rows) {
                if (row.ts() <= previous || bucketOf(row.ts()) != bucket || row.entityType() != first.entityType()
                        || !row.entityId().equals(first.entityId())) {
                    throw new IllegalArgumentException("a segment holds one entity's rows of one bucket in time order;"
                            + " got " + row.key() + " at " + row.ts() + " after " + first.key() + " at " + previous);
                }
                Counters c = row.counters();
                writeVarLong(out, row.ts() - previous);
                writeVarLong(out, c.impressions());
                writeVarLong(out, c.clicks());
                writeVarLong(out, c.views());
                writeVarLong(out, c.addToCarts());
                writeVarLong(out, c.purchases());
                out.writeDouble(c.examinations());
                out.writeDouble(c.decayedClicks());
                out.writeLong(c.firstSeen());
                previous = row.ts();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FeatureSegment(first.entityType(), first.entityId(), bucket, rows.get(rows.size() - 1).ts(),
                bytes.toByteArray());
    }

    public List<FeatureRow> rows() {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(instants))) {
            int n = (int) readVarLong(in);
            List<FeatureRow> rows = new ArrayList<>(n);
            long ts = bucketStart - 1;
            for (int i = 0; i < n; i++) {
                ts += readVarLong(in);
                rows.add(new FeatureRow(entityType, entityId, ts, new Counters(readVarLong(in), readVarLong(in),
                        readVarLong(in), readVarLong(in), readVarLong(in), in.readDouble(), in.readDouble(),
                        in.readLong())));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt feature segment of " + entityType.wireName() + ":" + entityId
                    + " at " + bucketStart, e);
        }
    }

    /** The newest row with ts &lt; {@code before}, or null if every instant of this segment is at or after it. */
    public FeatureRow latestBefore(long before) {
        FeatureRow latest = null;
        for (FeatureRow row : rows()) {
            if (row.ts() >= before) {
                break;
            }
            latest = row;
        }
        return latest;
    }

    public EntityKey key() {
        return new EntityKey(entityType, entityId);
    }

    private static void writeVarLong(DataOutputStream out, long value) throws IOException {
        if (value < 0) {
            throw new IllegalArgumentException("counters are never negative, got " + value);
        }
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    private static long readVarLong(DataInputStream in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("varint longer than 64 bits");
    }
}
