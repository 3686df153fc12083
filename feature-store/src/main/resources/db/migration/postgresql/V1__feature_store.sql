-- Cumulative counters per entity and event time (ms). A window [t - W, t) is the difference of the latest row
-- before t and the latest row before t - W, so reads are exact at any instant. Rows hold absolute values:
-- replays rewrite the same rows, which is what makes the Flink sink idempotent.
-- entity_id uses the "C" collation so composite ids (user|category) can be range-scanned by prefix.
CREATE TABLE feature_log (
    entity_type    varchar(16)  NOT NULL,
    entity_id      varchar(300) COLLATE "C" NOT NULL,
    ts             bigint       NOT NULL,
    impressions    bigint       NOT NULL,
    clicks         bigint       NOT NULL,
    views          bigint       NOT NULL,
    add_to_carts   bigint       NOT NULL,
    purchases      bigint       NOT NULL,
    examinations   double precision NOT NULL,
    decayed_clicks double precision NOT NULL,
    first_seen     bigint       NOT NULL,
    written_at     bigint       NOT NULL,
    PRIMARY KEY (entity_type, entity_id, ts)
);

-- The newest row of each entity: what a key-value store would hold for online reads, and the list of entities.
CREATE TABLE feature_latest (
    entity_type    varchar(16)  NOT NULL,
    entity_id      varchar(300) COLLATE "C" NOT NULL,
    ts             bigint       NOT NULL,
    impressions    bigint       NOT NULL,
    clicks         bigint       NOT NULL,
    views          bigint       NOT NULL,
    add_to_carts   bigint       NOT NULL,
    purchases      bigint       NOT NULL,
    examinations   double precision NOT NULL,
    decayed_clicks double precision NOT NULL,
    first_seen     bigint       NOT NULL,
    written_at     bigint       NOT NULL,
    PRIMARY KEY (entity_type, entity_id)
);

CREATE TABLE user_interactions (
    user_id varchar(128) COLLATE "C" NOT NULL,
    ts      bigint       NOT NULL,
    item_id varchar(128) COLLATE "C" NOT NULL,
    type    varchar(16)  NOT NULL,
    PRIMARY KEY (user_id, ts, item_id, type)
);

CREATE TABLE item_attributes (
    item_id     varchar(128) COLLATE "C" PRIMARY KEY,
    category    varchar(64)  NOT NULL,
    subcategory varchar(128),
    updated_at  bigint       NOT NULL
);
