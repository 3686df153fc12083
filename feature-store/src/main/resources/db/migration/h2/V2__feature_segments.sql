-- The feature log as segments: one row per entity per second of event time holding every instant of that second
-- with its cumulative counters (FeatureSegment), written once the watermark has passed the second. A hot entity
-- costs one row a second instead of one per event instant. Windows stay exact: the latest row before t is the
-- newest instant before t in the newest segment that starts before t (or the one before it).
-- Rows of feature_log are not carried over: replay the event log into a store that held them.
CREATE TABLE feature_segments (
    entity_type  varchar(16)  NOT NULL,
    entity_id    varchar(300) NOT NULL,
    bucket_start bigint       NOT NULL,
    last_ts      bigint       NOT NULL,
    instants     VARBINARY(16000000) NOT NULL,
    written_at   bigint       NOT NULL,
    PRIMARY KEY (entity_type, entity_id, bucket_start)
);

DROP TABLE feature_log;
