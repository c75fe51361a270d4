-- Where each version stands in replication ('' when no rule took it
-- in), and the versions still to replicate, in the order they were
-- written or queued again: a row is added in the transaction that writes
-- its version pending, and removed once replication has settled it. seq
-- never names two rows, not even one removed and one added since, so a
-- version queued again is told from its entry of before.
ALTER TABLE objects ADD COLUMN replication TEXT NOT NULL DEFAULT '';
ALTER TABLE object_versions ADD COLUMN replication TEXT NOT NULL DEFAULT '';

CREATE TABLE replication_queue (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	bucket     TEXT NOT NULL,
	key        TEXT NOT NULL,
	version_id TEXT NOT NULL,
	UNIQUE (bucket, key, version_id)
);
