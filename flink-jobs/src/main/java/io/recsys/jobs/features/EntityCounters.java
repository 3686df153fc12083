package io.recsys.jobs.features;

import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureSegment;
import io.recsys.schema.feature.VarLongs;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entity's cumulative counters and how events move them; plain logic, kept in keyed state as one encoded value
 * ({@link #encode}) so an operator reads and writes it once per batch of the entity's events.
 *
 * <p>The <em>head</em> is the entity's cumulative row at its newest instant, everything received so far included.
 * Events may arrive out of order within the watermark's bound; an out-of-order event is added to the head at once
 * (the head covers everything up to its time) and to its own instant's pending delta.
 *
 * <p>Once the watermark passes the end of a bucket of event time ({@link FeatureSegment#BUCKET_MS}), no event of
 * that bucket can come any more: its instants are folded into {@code base} in time order and emitted as one
 * {@link FeatureSegment}, final and exact. Segments are aligned to the epoch and hold absolute values, so a replay
 * after a failure writes the very same ones. Only instants of buckets the watermark has not passed are kept one
 * by one.
 *
 * <p>Where events carry ids, each pending instant keeps the ids counted at it, so a copy of an event (a client's
 * retry, a producer's resend: same id and event time) is recognised. Once the watermark passes the instant, copies
 * are refused upstream as late.
 */
final class EntityCounters {

    /** What became of one event. */
    enum Outcome { COUNTED, COUNTED_OUT_OF_ORDER, DUPLICATE, BEHIND_BASE }

    private static final byte FORMAT = 1;

    private CounterPoint base;
    private CounterPoint head;
    private final TreeMap<Long, PendingInstant> pending;
    /** What else the entity's key remembers: an item's category; null if nothing. */
    private String attribute;

    private EntityCounters(CounterPoint base, CounterPoint head, TreeMap<Long, PendingInstant> pending,
                           String attribute) {
        this.base = base;
        this.head = head;
        this.pending = pending;
        this.attribute = attribute;
    }

    static EntityCounters empty() {
        return new EntityCounters(null, null, new TreeMap<>(), null);
    }

    /** When the instant {@code ts} can be folded: the end of its bucket. */
    static long foldTimeOf(long ts) {
        return FeatureSegment.bucketOf(ts) + FeatureSegment.BUCKET_MS;
    }

    /**
     * Counts one event at {@code ts}.
     *
     * @param eventId the event's id when copies are to be refused, else null
     */
    Outcome add(long ts, Delta delta, String eventId, double halfLifeMillis) {
        if (head == null || ts > head.ts()) {
            Counters start = head == null ? Counters.ZERO : head.counters();
            head = new CounterPoint(ts, start.advance(head == null ? ts : head.ts(), ts, delta, halfLifeMillis));
            pending.put(ts, PendingInstant.of(delta, eventId));
            return Outcome.COUNTED;
        }
        if (base != null && ts <= base.ts()) {
            // Upstream drops late events, so this only happens if an idle source wakes up behind the others.
            return Outcome.BEHIND_BASE;
        }
        PendingInstant previous = pending.get(ts);
        if (previous != null && eventId != null && previous.contains(eventId)) {
            return Outcome.DUPLICATE;
        }
        pending.put(ts, previous == null ? PendingInstant.of(delta, eventId) : previous.plus(delta, eventId));
        if (ts == head.ts()) {
            head = new CounterPoint(ts, head.counters().advance(ts, ts, delta, halfLifeMillis));
            return Outcome.COUNTED;
        }
        head = new CounterPoint(head.ts(), head.counters().plusEarlier(delta, ts, head.ts(), halfLifeMillis));
        return Outcome.COUNTED_OUT_OF_ORDER;
    }

    /** The newest row, everything received so far included; null before the first event. */
    FeatureRow head(EntityType type, String id) {
        return head == null ? null : new FeatureRow(type, id, head.ts(), head.counters());
    }

    /**
     * Folds the instants of every bucket wholly at or behind {@code watermark} into {@code base}, forgetting them,
     * and returns each such bucket as a segment, oldest first.
     */
    List<FeatureSegment> fold(EntityType type, String id, long watermark, double halfLifeMillis) {
        long limit = watermark == Long.MAX_VALUE ? Long.MAX_VALUE : FeatureSegment.bucketOf(watermark + 1);
        List<FeatureSegment> segments = new ArrayList<>();
        List<FeatureRow> bucket = new ArrayList<>();
        Iterator<Map.Entry<Long, PendingInstant>> entries = pending.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<Long, PendingInstant> entry = entries.next();
            long instant = entry.getKey();
            if (instant >= limit) {
                break;
            }
            if (!bucket.isEmpty() && FeatureSegment.bucketOf(instant) != FeatureSegment.bucketOf(bucket.get(0).ts())) {
                segments.add(FeatureSegment.of(bucket));
                bucket = new ArrayList<>();
            }
            Counters start = base == null ? Counters.ZERO : base.counters();
            base = new CounterPoint(instant, start.advance(base == null ? instant : base.ts(), instant,
                    entry.getValue().delta(), halfLifeMillis));
            bucket.add(new FeatureRow(type, id, instant, base.counters()));
            entries.remove();
        }
        if (!bucket.isEmpty()) {
            segments.add(FeatureSegment.of(bucket));
        }
        return segments;
    }

    String attribute() {
        return attribute;
    }

    void attribute(String value) {
        attribute = value;
    }

    /**
     * The state value: varints for counts and times (ts as deltas), doubles as they are. A hand-made layout because
     * this value is read and written for every batch of every entity; through Flink's POJO serializer and
     * DataOutputStream it was a third of the counting thread (docs/benchmarks.md).
     */
    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(maxEncodedSize());
        out.put(FORMAT);
        writePoint(out, base);
        writePoint(out, head);
        VarLongs.write(out, pending.size());
        long previous = 0;
        for (Map.Entry<Long, PendingInstant> entry : pending.entrySet()) {
            VarLongs.write(out, entry.getKey() - previous);
            previous = entry.getKey();
            Delta d = entry.getValue().delta();
            VarLongs.write(out, d.impressions());
            VarLongs.write(out, d.clicks());
            VarLongs.write(out, d.views());
            VarLongs.write(out, d.addToCarts());
            VarLongs.write(out, d.purchases());
            out.putDouble(d.examinations());
            long[] ids = entry.getValue().idHashes();
            VarLongs.write(out, ids.length);
            for (long id : ids) {
                out.putLong(id);
            }
        }
        byte[] attributeBytes = attribute == null ? null : attribute.getBytes(StandardCharsets.UTF_8);
        VarLongs.write(out, attributeBytes == null ? 0 : attributeBytes.length + 1);
        if (attributeBytes != null) {
            out.put(attributeBytes);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    private int maxEncodedSize() {
        int size = 1 + 2 * POINT_MAX + VarLongs.MAX_BYTES + VarLongs.MAX_BYTES
                + (attribute == null ? 0 : attribute.length() * 3);
        for (PendingInstant instant : pending.values()) {
            size += 7 * VarLongs.MAX_BYTES + 8 + instant.idHashes().length * 8;
        }
        return size;
    }

    static EntityCounters decode(byte[] encoded) {
        if (encoded == null) {
            return empty();
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        byte format = in.get();
        if (format != FORMAT) {
            throw new IllegalStateException("entity counters in state format " + format + ", this job reads "
                    + FORMAT);
        }
        try {
            CounterPoint base = readPoint(in);
            CounterPoint head = readPoint(in);
            long n = VarLongs.read(in);
            TreeMap<Long, PendingInstant> pending = new TreeMap<>();
            long ts = 0;
            for (long i = 0; i < n; i++) {
                ts += VarLongs.read(in);
                Delta delta = new Delta(VarLongs.read(in), VarLongs.read(in), VarLongs.read(in), VarLongs.read(in),
                        VarLongs.read(in), in.getDouble());
                int idCount = (int) VarLongs.read(in);
                long[] ids = idCount == 0 ? PendingInstant.NO_IDS : new long[idCount];
                for (int j = 0; j < idCount; j++) {
                    ids[j] = in.getLong();
                }
                pending.put(ts, new PendingInstant(delta, ids));
            }
            int attributeLength = (int) VarLongs.read(in);
            String attribute = null;
            if (attributeLength > 0) {
                attribute = new String(encoded, in.position(), attributeLength - 1, StandardCharsets.UTF_8);
            }
            return new EntityCounters(base, head, pending, attribute);
        } catch (BufferUnderflowException | IllegalStateException e) {
            throw new IllegalStateException("corrupt entity counters in state", e);
        }
    }

    private static final int POINT_MAX = 1 + 7 * VarLongs.MAX_BYTES + 16;

    private static void writePoint(ByteBuffer out, CounterPoint point) {
        out.put((byte) (point == null ? 0 : 1));
        if (point == null) {
            return;
        }
        Counters c = point.counters();
        VarLongs.write(out, point.ts());
        VarLongs.write(out, c.impressions());
        VarLongs.write(out, c.clicks());
        VarLongs.write(out, c.views());
        VarLongs.write(out, c.addToCarts());
        VarLongs.write(out, c.purchases());
        out.putDouble(c.examinations());
        out.putDouble(c.decayedClicks());
        // firstSeen is Long.MAX_VALUE only for an entity without events, which is never stored
        VarLongs.write(out, point.ts() - c.firstSeen());
    }

    private static CounterPoint readPoint(ByteBuffer in) {
        if (in.get() == 0) {
            return null;
        }
        long ts = VarLongs.read(in);
        return new CounterPoint(ts, new Counters(VarLongs.read(in), VarLongs.read(in), VarLongs.read(in),
                VarLongs.read(in), VarLongs.read(in), in.getDouble(), in.getDouble(), ts - VarLongs.read(in)));
    }
}
