package io.recsys.schema.feature;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The newest rows (heads) one feature-store write committed, and when: what the feature job publishes to the change
 * topic after each write. An API replica updates the features it holds from the heads without asking the store (the
 * counters are absolute, so applying a head twice is harmless), and learns which entities to re-read where a head
 * alone does not determine the features. Entity types go by their wire names, not ordinals, so a reordered enum
 * cannot change a message's meaning.
 */
public record FeatureChanges(long writtenAt, List<FeatureRow> heads) {

    /** 2: heads with their counters. 1 (entity keys only) is refused: its readers and writers were never deployed. */
    private static final byte FORMAT = 2;

    public FeatureChanges {
        heads = List.copyOf(heads);
    }

    public static FeatureChanges of(long writtenAt, Collection<FeatureRow> heads) {
        return new FeatureChanges(writtenAt, new ArrayList<>(heads));
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + heads.size() * 96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(writtenAt);
            out.writeInt(heads.size());
            for (FeatureRow head : heads) {
                out.writeUTF(head.entityType().wireName());
                out.writeUTF(head.entityId());
                out.writeLong(head.ts());
                Counters c = head.counters();
                out.writeLong(c.impressions());
                out.writeLong(c.clicks());
                out.writeLong(c.views());
                out.writeLong(c.addToCarts());
                out.writeLong(c.purchases());
                out.writeDouble(c.examinations());
                out.writeDouble(c.decayedClicks());
                out.writeLong(c.firstSeen());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException if the bytes are not a change message of this format */
    public static FeatureChanges decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("feature change message in format " + format + ", this reads "
                        + FORMAT);
            }
            long writtenAt = in.readLong();
            int n = in.readInt();
            List<FeatureRow> heads = new ArrayList<>(Math.min(n, 65_536));
            for (int i = 0; i < n; i++) {
                EntityType type = EntityType.fromWireName(in.readUTF());
                String id = in.readUTF();
                long ts = in.readLong();
                heads.add(new FeatureRow(type, id, ts, new Counters(in.readLong(), in.readLong(), in.readLong(),
                        in.readLong(), in.readLong(), in.readDouble(), in.readDouble(), in.readLong())));
            }
            return new FeatureChanges(writtenAt, heads);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated feature change message", e);
        }
    }
}
