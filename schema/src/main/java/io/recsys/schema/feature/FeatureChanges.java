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
 * The entities one feature-store write changed and when it was committed: what the feature job publishes to the
 * change topic after each write, so that API replicas learn what to re-read without scanning the store. Entity
 * types go by their wire names, not ordinals, so a reordered enum cannot change a message's meaning.
 */
public record FeatureChanges(long writtenAt, List<EntityKey> entities) {

    private static final byte FORMAT = 1;

    public FeatureChanges {
        entities = List.copyOf(entities);
    }

    public static FeatureChanges of(long writtenAt, Collection<EntityKey> entities) {
        return new FeatureChanges(writtenAt, new ArrayList<>(entities));
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + entities.size() * 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(writtenAt);
            out.writeInt(entities.size());
            for (EntityKey entity : entities) {
                out.writeUTF(entity.type().wireName());
                out.writeUTF(entity.id());
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
            List<EntityKey> entities = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                entities.add(new EntityKey(EntityType.fromWireName(in.readUTF()), in.readUTF()));
            }
            return new FeatureChanges(writtenAt, entities);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated feature change message", e);
        }
    }
}
