-- Where each version stands in replication ('' when no rule took it
-- in), and the versions still to replicate, in the order they were
-- written: a row is added in the transaction that writes its version
-- pending, and removed once replication has settled it.
ALTER TABLE objects ADD COLUMN replication TEXT NOT NULL DEFAULT '';
ALTER TABLE object_versions ADD COLUMN replication TEXT NOT NULL DEFAULT '';

CREATE TABLE replication_queue (
	bucket     TEXT NOT NULL,
	key        TEXT NOT NULL,
	version_id TEXT NOT NULL,
	UNIQUE (bucket, key, version_id)
);
