package io.recsys.jobs.features;

import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureSegment;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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

    boolean hasPending() {
        return !pending.isEmpty();
    }

    String attribute() {
        return attribute;
    }

    void attribute(String value) {
        attribute = value;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + pending.size() * 40);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writePoint(out, base);
            writePoint(out, head);
            out.writeInt(pending.size());
            for (Map.Entry<Long, PendingInstant> entry : pending.entrySet()) {
                out.writeLong(entry.getKey());
                Delta d = entry.getValue().delta();
                out.writeLong(d.impressions());
                out.writeLong(d.clicks());
                out.writeLong(d.views());
                out.writeLong(d.addToCarts());
                out.writeLong(d.purchases());
                out.writeDouble(d.examinations());
                String[] ids = entry.getValue().eventIds();
                out.writeInt(ids.length);
                for (String eventId : ids) {
                    out.writeUTF(eventId);
                }
            }
            out.writeBoolean(attribute != null);
            if (attribute != null) {
                out.writeUTF(attribute);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static EntityCounters decode(byte[] encoded) {
        if (encoded == null) {
            return empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("entity counters in state format " + format + ", this job reads "
                        + FORMAT);
            }
            CounterPoint base = readPoint(in);
            CounterPoint head = readPoint(in);
            int n = in.readInt();
            TreeMap<Long, PendingInstant> pending = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                long ts = in.readLong();
                Delta delta = new Delta(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                        in.readDouble());
                String[] ids = new String[in.readInt()];
                for (int j = 0; j < ids.length; j++) {
                    ids[j] = in.readUTF();
                }
                pending.put(ts, new PendingInstant(delta, ids.length == 0 ? PendingInstant.NO_IDS : ids));
            }
            String attribute = in.readBoolean() ? in.readUTF() : null;
            return new EntityCounters(base, head, pending, attribute);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt entity counters in state", e);
        }
    }

    private static void writePoint(DataOutputStream out, CounterPoint point) throws IOException {
        out.writeBoolean(point != null);
        if (point == null) {
            return;
        }
        Counters c = point.counters();
        out.writeLong(point.ts());
        out.writeLong(c.impressions());
        out.writeLong(c.clicks());
        out.writeLong(c.views());
        out.writeLong(c.addToCarts());
        out.writeLong(c.purchases());
        out.writeDouble(c.examinations());
        out.writeDouble(c.decayedClicks());
        out.writeLong(c.firstSeen());
    }

    private static CounterPoint readPoint(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        long ts = in.readLong();
        return new CounterPoint(ts, new Counters(in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readDouble(), in.readDouble(), in.readLong()));
    }
}
