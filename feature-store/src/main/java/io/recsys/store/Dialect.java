package io.recsys.store;

/**
 * The SQL that differs between PostgreSQL and the embedded H2 database. Everything else — connections, batching,
 * mapping, the feature maths — is one code path.
 */
enum Dialect {
    POSTGRESQL("postgresql", "org.postgresql.Driver") {
        /**
         * One statement per batch whatever its size: the rows go as one array per column. Against a batch of
         * single-row inserts (even rewritten into multi-row ones) the driver binds 12 arrays instead of 12
         * parameters per row, which was most of the sink's CPU (docs/benchmarks.md).
         */
        @Override
        String upsertLatestArrays() {
            return "INSERT INTO feature_latest (" + ROW_COLUMNS + ") SELECT u.*, ?::bigint FROM " + UNNEST_ROWS
                    + " ON CONFLICT (entity_type, entity_id) DO UPDATE SET ts = EXCLUDED.ts, " + updateSet("EXCLUDED")
                    + " WHERE feature_latest.ts <= EXCLUDED.ts";
        }

        @Override
        String insertInteraction() {
            return "INSERT INTO user_interactions (user_id, ts, item_id, type) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING";
        }

        @Override
        String upsertItemAttributes() {
            return "INSERT INTO item_attributes (item_id, category, subcategory, updated_at) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (item_id) DO UPDATE SET category = EXCLUDED.category,"
                    + " subcategory = EXCLUDED.subcategory, updated_at = EXCLUDED.updated_at";
        }
    },

    H2("h2", "org.h2.Driver") {
        @Override
        String upsertLatest() {
            // MERGE ... KEY is H2's cheap upsert; the WHERE keeps a late-written older row from replacing a newer one
            return "MERGE INTO feature_latest (" + ROW_COLUMNS + ") KEY (entity_type, entity_id) SELECT * FROM (VALUES ("
                    + ROW_PARAMS + ")) s(" + ROW_COLUMNS + ") WHERE NOT EXISTS (SELECT 1 FROM feature_latest l"
                    + " WHERE l.entity_type = s.entity_type AND l.entity_id = s.entity_id AND l.ts > s.ts)";
        }

        @Override
        String insertInteraction() {
            return "MERGE INTO user_interactions (user_id, ts, item_id, type) KEY (user_id, ts, item_id, type)"
                    + " VALUES (?, ?, ?, ?)";
        }

        @Override
        String upsertItemAttributes() {
            return "MERGE INTO item_attributes (item_id, category, subcategory, updated_at) KEY (item_id)"
                    + " VALUES (?, ?, ?, ?)";
        }
    };

    static final String VALUE_COLUMNS = "impressions, clicks, views, add_to_carts, purchases, examinations,"
            + " decayed_clicks, first_seen, written_at";
    static final String ROW_COLUMNS = "entity_type, entity_id, ts, " + VALUE_COLUMNS;
    static final String ROW_PARAMS = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
    private static final String UNNEST_ROWS = "unnest(?::varchar[], ?::varchar[], ?::bigint[], ?::bigint[],"
            + " ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::float8[], ?::float8[], ?::bigint[]) AS u";

    private final String flywayVendor;
    private final String driverClassName;

    Dialect(String flywayVendor, String driverClassName) {
        this.flywayVendor = flywayVendor;
        this.driverClassName = driverClassName;
    }

    /** The latest-row upsert taking written_at, then one array per column; null if unsupported. */
    String upsertLatestArrays() {
        return null;
    }

    /** The latest-row upsert as a statement per row, for a batch; null where {@link #upsertLatestArrays} is used. */
    String upsertLatest() {
        return null;
    }

    abstract String insertInteraction();

    abstract String upsertItemAttributes();

    /**
     * Named explicitly so the pool loads the driver from the classloader that loaded the store. Through
     * DriverManager, a Flink job resubmitted to the same TaskManager would find only the driver registered by the
     * previous job's (closed) classloader, which DriverManager refuses: "No suitable driver".
     */
    String driverClassName() {
        return driverClassName;
    }

    String migrationLocation() {
        return "classpath:db/migration/" + flywayVendor;
    }

    static Dialect forUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return H2;
        }
        throw new IllegalArgumentException("unsupported store URL '" + jdbcUrl
                + "': use jdbc:postgresql://HOST:PORT/DB or jdbc:h2:file:PATH");
    }

    private static String updateSet(String source) {
        StringBuilder set = new StringBuilder();
        for (String column : VALUE_COLUMNS.split(", ")) {
            if (!set.isEmpty()) {
                set.append(", ");
            }
            set.append(column).append(" = ").append(source).append('.').append(column);
        }
        return set.toString();
    }
}
