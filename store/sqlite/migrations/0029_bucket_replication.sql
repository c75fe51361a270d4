-- A bucket's replication configuration, as JSON ('' when it has none).
ALTER TABLE buckets ADD COLUMN replication TEXT NOT NULL DEFAULT '';
