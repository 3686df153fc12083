package io.recsys.store;

import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureSegment;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The feature log in the table {@code feature_segments}: writes of final segments, the latest row before an instant
 * (from the segments or the entity's head in {@code feature_latest}, see {@link LatestRows}), and retention.
 * Everything here answers "which cumulative row holds at t"; turning rows into features is
 * {@code FeatureDerivation}'s.
 */
final class SegmentLog {

    private static final String COLUMNS = "entity_type, entity_id, bucket_start, last_ts, instants, written_at";
    /** One statement per batch: the segments go as one array per column. */
    private static final String PG_UPSERT = "INSERT INTO feature_segments (" + COLUMNS + ") SELECT u.*, ?::bigint"
            + " FROM unnest(?::varchar[], ?::varchar[], ?::bigint[], ?::bigint[], ?::bytea[]) AS u"
            + " ON CONFLICT (entity_type, entity_id, bucket_start) DO UPDATE SET last_ts = EXCLUDED.last_ts,"
            + " instants = EXCLUDED.instants, written_at = EXCLUDED.written_at";
    private static final String H2_UPSERT = "MERGE INTO feature_segments (" + COLUMNS
            + ") KEY (entity_type, entity_id, bucket_start) VALUES (?, ?, ?, ?, ?, ?)";

    private static final String HEAD_SELECT = "h.ts, h." + String.join(", h.", Dialect.VALUE_COLUMNS.split(", "));

    private final Dialect dialect;

    SegmentLog(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Upserts whole segments: a segment of the same entity and bucket is replaced (a replay writes the same). */
    void write(Connection connection, Collection<FeatureSegment> segments, long writtenAt) throws SQLException {
        if (segments.isEmpty()) {
            return;
        }
        Map<SegmentKey, FeatureSegment> unique = new LinkedHashMap<>();
        for (FeatureSegment segment : segments) {
            unique.put(new SegmentKey(segment.entityType(), segment.entityId(), segment.bucketStart()), segment);
        }
        if (dialect == Dialect.POSTGRESQL) {
            writeAsArrays(connection, unique.values(), writtenAt);
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(H2_UPSERT)) {
            for (FeatureSegment segment : unique.values()) {
                statement.setString(1, segment.entityType().wireName());
                statement.setString(2, segment.entityId());
                statement.setLong(3, segment.bucketStart());
                statement.setLong(4, segment.lastTs());
                statement.setBytes(5, segment.instants());
                statement.setLong(6, writtenAt);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static void writeAsArrays(Connection connection, Collection<FeatureSegment> segments, long writtenAt)
            throws SQLException {
        int n = segments.size();
        String[] types = new String[n];
        String[] ids = new String[n];
        long[] buckets = new long[n];
        long[] lastTs = new long[n];
        byte[][] instants = new byte[n][];
        int i = 0;
        for (FeatureSegment segment : segments) {
            types[i] = segment.entityType().wireName();
            ids[i] = segment.entityId();
            buckets[i] = segment.bucketStart();
            lastTs[i] = segment.lastTs();
            instants[i] = segment.instants();
            i++;
        }
        // the driver's own createArrayOf takes primitive arrays and sends them in binary
        PGConnection pg = connection.unwrap(PGConnection.class);
        try (PreparedStatement statement = connection.prepareStatement(PG_UPSERT)) {
            statement.setLong(1, writtenAt); // the SELECT list comes before the arrays
            statement.setArray(2, pg.createArrayOf("varchar", types));
            statement.setArray(3, pg.createArrayOf("varchar", ids));
            statement.setArray(4, pg.createArrayOf("int8", buckets));
            statement.setArray(5, pg.createArrayOf("int8", lastTs));
            statement.setArray(6, pg.createArrayOf("bytea", instants));
            statement.executeUpdate();
        }
    }

    /**
     * Writes rows that may not fill their buckets (tools and tests write rows one by one): each row is merged into
     * the segment of its entity and bucket as stored, a row at the same instant replacing the stored one.
     */
    void merge(Connection connection, Collection<FeatureRow> rows, long writtenAt) throws SQLException {
        Map<SegmentKey, TreeMap<Long, FeatureRow>> byBucket = new LinkedHashMap<>();
        for (FeatureRow row : rows) {
            byBucket.computeIfAbsent(new SegmentKey(row.entityType(), row.entityId(),
                    FeatureSegment.bucketOf(row.ts())), key -> new TreeMap<>()).put(row.ts(), row);
        }
        String sql = "SELECT last_ts, instants FROM feature_segments WHERE entity_type = ? AND entity_id = ?"
                + " AND bucket_start = ?";
        List<FeatureSegment> merged = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Map.Entry<SegmentKey, TreeMap<Long, FeatureRow>> bucket : byBucket.entrySet()) {
                SegmentKey key = bucket.getKey();
                statement.setString(1, key.type().wireName());
                statement.setString(2, key.id());
                statement.setLong(3, key.bucketStart());
                TreeMap<Long, FeatureRow> instants = new TreeMap<>();
                try (ResultSet rs = statement.executeQuery()) {
                    if (rs.next()) {
                        for (FeatureRow stored : segment(key.type(), key.id(), key.bucketStart(), rs, 1).rows()) {
                            instants.put(stored.ts(), stored);
                        }
                    }
                }
                instants.putAll(bucket.getValue());
                merged.add(FeatureSegment.of(new ArrayList<>(instants.values())));
            }
        }
        write(connection, merged, writtenAt);
    }

    /**
     * For each lookup, the entity's newest row with ts &lt; before, if any: from its final segments, or its head
     * (its newest row, written with every sink batch) when that is newer and still before the instant. Instants
     * between the last final segment and the head are written as segments once the watermark passes them; until
     * then a read at such an instant sees the last final row.
     */
    Map<RowLookup, FeatureRow> latestBefore(Connection connection, List<RowLookup> lookups) throws SQLException {
        Map<RowLookup, Candidates> candidates = dialect == Dialect.POSTGRESQL
                ? candidatesInOneQuery(connection, lookups) : candidatesOneByOne(connection, lookups);
        Map<RowLookup, FeatureRow> result = new HashMap<>();
        for (Map.Entry<RowLookup, Candidates> entry : candidates.entrySet()) {
            FeatureRow row = entry.getValue().newestBefore(entry.getKey().before());
            if (row != null) {
                result.put(entry.getKey(), row);
            }
        }
        return result;
    }

    /** What may hold the newest row before a lookup's instant: the newest two segments starting before it, a head. */
    private static final class Candidates {
        private final List<FeatureSegment> segments = new ArrayList<>(2);
        private FeatureRow head;

        FeatureRow newestBefore(long before) {
            segments.sort((a, b) -> Long.compare(b.bucketStart(), a.bucketStart()));
            FeatureRow logged = null;
            for (FeatureSegment segment : segments) {
                logged = segment.latestBefore(before);
                if (logged != null) {
                    break;
                }
            }
            return head != null && head.ts() < before && (logged == null || head.ts() > logged.ts()) ? head : logged;
        }
    }

    /**
     * PostgreSQL: every lookup in one round trip, an index seek each into the segments and the heads. The newest
     * segment starting before t may hold only instants at or after t (t inside its bucket), so the one before it
     * comes along.
     */
    private static Map<RowLookup, Candidates> candidatesInOneQuery(Connection connection, List<RowLookup> lookups)
            throws SQLException {
        Map<RowLookup, Candidates> result = new HashMap<>();
        if (lookups.isEmpty()) {
            return result;
        }
        String sql = "SELECT q.ord, l.bucket_start, l.last_ts, l.instants, " + HEAD_SELECT
                + " FROM unnest(?::varchar[], ?::varchar[], ?::bigint[]) WITH ORDINALITY"
                + " AS q(entity_type, entity_id, before_ts, ord)"
                // LATERAL with LIMIT: a plain join let the planner hash-join a seq scan of every head whenever the
                // table's statistics were young (it took unnest for 100 rows and the table for a few), which was most
                // of the rows PostgreSQL read under API replicas (docs/benchmarks.md, "Where one machine stops")
                + " LEFT JOIN LATERAL (SELECT " + HEAD_SELECT + " FROM feature_latest h WHERE h.entity_type = q.entity_type"
                + " AND h.entity_id = q.entity_id COLLATE \"C\" AND h.ts < q.before_ts LIMIT 1) h ON true"
                + " LEFT JOIN LATERAL (SELECT bucket_start, last_ts, instants FROM feature_segments f"
                + " WHERE f.entity_type = q.entity_type AND f.entity_id = q.entity_id COLLATE \"C\""
                + " AND f.bucket_start < q.before_ts ORDER BY f.bucket_start DESC LIMIT 2) l ON true";
        String[] types = new String[lookups.size()];
        String[] ids = new String[lookups.size()];
        Long[] befores = new Long[lookups.size()];
        for (int i = 0; i < lookups.size(); i++) {
            types[i] = lookups.get(i).type().wireName();
            ids[i] = lookups.get(i).id();
            befores[i] = lookups.get(i).before();
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("varchar", types));
            statement.setArray(2, connection.createArrayOf("varchar", ids));
            statement.setArray(3, connection.createArrayOf("bigint", befores));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    RowLookup lookup = lookups.get((int) rs.getLong(1) - 1);
                    Candidates candidates = result.computeIfAbsent(lookup, key -> new Candidates());
                    rs.getLong(2);
                    if (!rs.wasNull()) {
                        candidates.segments.add(segment(lookup.type(), lookup.id(), rs.getLong(2), rs, 3));
                    }
                    rs.getLong(5);
                    if (!rs.wasNull()) {
                        candidates.head = LatestRows.read(lookup.type(), lookup.id(), rs, 5);
                    }
                }
            }
        }
        return result;
    }

    /** Embedded H2: in-process, so a seek per lookup costs no round trip. */
    private static Map<RowLookup, Candidates> candidatesOneByOne(Connection connection, List<RowLookup> lookups)
            throws SQLException {
        Map<RowLookup, Candidates> result = new HashMap<>();
        String segments = "SELECT bucket_start, last_ts, instants FROM feature_segments WHERE entity_type = ?"
                + " AND entity_id = ? AND bucket_start < ? ORDER BY bucket_start DESC LIMIT 2";
        String heads = "SELECT " + HEAD_SELECT + " FROM feature_latest h WHERE h.entity_type = ? AND h.entity_id = ?"
                + " AND h.ts < ?";
        try (PreparedStatement segmentStatement = connection.prepareStatement(segments);
             PreparedStatement headStatement = connection.prepareStatement(heads)) {
            for (RowLookup lookup : lookups) {
                Candidates candidates = result.computeIfAbsent(lookup, key -> new Candidates());
                for (PreparedStatement statement : List.of(segmentStatement, headStatement)) {
                    statement.setString(1, lookup.type().wireName());
                    statement.setString(2, lookup.id());
                    statement.setLong(3, lookup.before());
                }
                try (ResultSet rs = segmentStatement.executeQuery()) {
                    while (rs.next()) {
                        candidates.segments.add(segment(lookup.type(), lookup.id(), rs.getLong(1), rs, 2));
                    }
                }
                try (ResultSet rs = headStatement.executeQuery()) {
                    if (rs.next()) {
                        candidates.head = LatestRows.read(lookup.type(), lookup.id(), rs, 1);
                    }
                }
            }
        }
        return result;
    }

    /**
     * Deletes segments wholly before {@code cutoffMillis}'s bucket, keeping each entity's last one before it, so
     * that reads at any t with t - W &gt;= cutoff stay exact.
     */
    int deleteBefore(Connection connection, long cutoffMillis) throws SQLException {
        String sql = "DELETE FROM feature_segments WHERE bucket_start < ? AND EXISTS (SELECT 1 FROM feature_segments n"
                + " WHERE n.entity_type = feature_segments.entity_type AND n.entity_id = feature_segments.entity_id"
                + " AND n.bucket_start > feature_segments.bucket_start AND n.bucket_start < ?)";
        long aligned = FeatureSegment.bucketOf(cutoffMillis);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, aligned);
            statement.setLong(2, aligned);
            return statement.executeUpdate();
        }
    }

    private static FeatureSegment segment(EntityType type, String id, long bucketStart, ResultSet rs, int first)
            throws SQLException {
        return new FeatureSegment(type, id, bucketStart, rs.getLong(first), rs.getBytes(first + 1));
    }

    private record SegmentKey(EntityType type, String id, long bucketStart) {
    }
}
