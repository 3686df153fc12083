package io.recsys.schema.feature;

import java.io.Serializable;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
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
        ByteBuffer out = ByteBuffer.allocate(VarLongs.MAX_BYTES + rows.size() * (6 * VarLongs.MAX_BYTES + 24));
        VarLongs.write(out, rows.size());
        long previous = bucket - 1;
        for (FeatureRow row : rows) {
            if (row.ts() <= previous || bucketOf(row.ts()) != bucket || row.entityType() != first.entityType()
                    || !row.entityId().equals(first.entityId())) {
                throw new IllegalArgumentException("a segment holds one entity's rows of one bucket in time order;"
                        + " got " + row.key() + " at " + row.ts() + " after " + first.key() + " at " + previous);
            }
            Counters c = row.counters();
            VarLongs.write(out, row.ts() - previous);
            VarLongs.write(out, nonNegative(c.impressions()));
            VarLongs.write(out, nonNegative(c.clicks()));
            VarLongs.write(out, nonNegative(c.views()));
            VarLongs.write(out, nonNegative(c.addToCarts()));
            VarLongs.write(out, nonNegative(c.purchases()));
            out.putDouble(c.examinations());
            out.putDouble(c.decayedClicks());
            out.putLong(c.firstSeen());
            previous = row.ts();
        }
        return new FeatureSegment(first.entityType(), first.entityId(), bucket, rows.get(rows.size() - 1).ts(),
                Arrays.copyOf(out.array(), out.position()));
    }

    public List<FeatureRow> rows() {
        try {
            ByteBuffer in = ByteBuffer.wrap(instants);
            int n = (int) VarLongs.read(in);
            List<FeatureRow> rows = new ArrayList<>(n);
            long ts = bucketStart - 1;
            for (int i = 0; i < n; i++) {
                ts += VarLongs.read(in);
                rows.add(new FeatureRow(entityType, entityId, ts, new Counters(VarLongs.read(in), VarLongs.read(in),
                        VarLongs.read(in), VarLongs.read(in), VarLongs.read(in), in.getDouble(), in.getDouble(),
                        in.getLong())));
            }
            return rows;
        } catch (BufferUnderflowException | IllegalStateException e) {
            throw new IllegalStateException("corrupt feature segment of " + entityType.wireName() + ":" + entityId
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

    private static long nonNegative(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("counters are never negative, got " + count);
        }
        return count;
    }
}
